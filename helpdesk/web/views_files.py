"""Attachment downloads, checked against who asks (media is never served directly)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest

from helpdesk.models import Attachment
from helpdesk.permissions import can_work_ticket, is_supervisor
from helpdesk.references import tracking_reference
from helpdesk.web.views_agent import agent_required


def _file_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = (
        attachment.content_type if not attachment.quarantined else "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@agent_required
def agent_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.select_related("message__ticket").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if not can_work_ticket(request.user, attachment.message.ticket):
        raise PermissionDenied
    if attachment.quarantined and not is_supervisor(request.user):
        raise PermissionDenied
    return _file_response(attachment)


def customer_attachment(request: HttpRequest, token: str, pk: int) -> FileResponse:
    reference = tracking_reference(token, settings.HELPDESK["TRACKING_LINK_MAX_AGE_DAYS"])
    attachment = (
        Attachment.objects.select_related("message__ticket")
        .filter(
            pk=pk,
            message__ticket__reference=reference or "",
            message__internal=False,
            quarantined=False,
        )
        .first()
    )
    if attachment is None:
        raise Http404
    return _file_response(attachment)
