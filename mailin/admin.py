"""Admin: mailboxes for administrators; the quarantine for supervisors, with a retry action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from helpdesk.permissions import is_supervisor
from mailin.models import Mailbox, MailboxCursor, QuarantinedEmail
from mailin.services import quarantine_retry


class MailboxForm(forms.ModelForm):
    """The password and the URL (which may carry one) are never sent back to the browser; left
    empty on a change they keep what is stored."""

    SECRETS = ("url", "password")

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "url",
            "host",
            "port",
            "username",
            "password",
            "use_tls",
            "folder",
            "default_queue",
            "processed_action",
            "processed_folder",
            "active",
        )
        widgets = {
            "url": forms.PasswordInput(render_value=False),
            "password": forms.PasswordInput(render_value=False),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.SECRETS:
                if getattr(self.instance, name):
                    self.fields[name].help_text = _(
                        "Guardado (no se muestra). Déjalo vacío para conservarlo."
                    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:  # the instance still holds the stored values until _post_clean
            for name in self.SECRETS:
                if not cleaned.get(name):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ("name", "host", "folder", "default_queue", "processed_action", "active")
    list_filter = ("active",)


@admin.register(MailboxCursor)
class MailboxCursorAdmin(admin.ModelAdmin):
    list_display = ("key", "uidvalidity", "last_uid", "updated_at")


def _supervisor(request: Any) -> bool:
    return bool(
        request.user.is_active and (request.user.is_superuser or is_supervisor(request.user))
    )


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "sender",
        "subject",
        "mailbox",
        "resolved",
        "ticket_reference",
    )
    list_filter = ("kind", "resolved", "mailbox")
    search_fields = ("sender", "subject", "message_id")
    readonly_fields = (
        "kind",
        "mailbox",
        "mailbox_key",
        "uid",
        "message_id",
        "sender",
        "subject",
        "error",
        "created_at",
        "retried_at",
        "resolved",
        "ticket_reference",
    )
    exclude = ("raw",)
    actions = ["retry"]

    def has_module_permission(self, request: Any) -> bool:
        return _supervisor(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return _supervisor(request)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return _supervisor(request)

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.action(description=_("Reintentar el procesamiento"))
    def retry(self, request: Any, queryset: Any) -> None:
        for item in queryset:
            outcome = quarantine_retry(item)
            messages.info(request, f"{item}: {outcome.kind} {outcome.ticket_reference}")
