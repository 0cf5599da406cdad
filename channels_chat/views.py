"""HTTP edges of the chat: the embed demo page and the small agent/supervisor JSON API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels_chat.protocol import ProtocolError
from channels_chat.selectors import AgentLoad, agent_display, agent_loads, agent_queues
from channels_chat.services.assignment import capacity_set
from helpdesk.models import CannedResponse
from helpdesk.permissions import is_agent, is_supervisor


def demo(request: HttpRequest) -> HttpResponse:
    """A host page with the one-tag embed, to try the widget."""
    return render(
        request,
        "channels_chat/demo.html",
        {"script_url": request.build_absolute_uri(static("channels_chat/widget.js"))},
    )


def _load_json(load: AgentLoad) -> dict[str, Any]:
    return {
        "id": load.user.pk,
        "username": load.user.get_username(),
        "name": agent_display(load.user),
        "presence": load.presence,
        "effective": load.effective,
        "capacity": load.capacity,
        "active": load.active,
        "queues": [queue.slug for queue in load.user.queues.all()],
    }


AGENT_LOAD = inline_serializer(
    "ChatAgentLoad",
    {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "name": serializers.CharField(),
        "presence": serializers.CharField(),
        "effective": serializers.CharField(),
        "capacity": serializers.IntegerField(),
        "active": serializers.IntegerField(),
        "queues": serializers.ListField(child=serializers.CharField()),
    },
)
CANNED = inline_serializer(
    "ChatCanned",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "shortcut": serializers.CharField(),
        "body": serializers.CharField(),
        "language": serializers.CharField(),
        "queue": serializers.CharField(allow_null=True),
    },
)


class AgentListView(APIView):
    """GET: every agent with presence, capacity and active chats (supervisors only)."""

    @extend_schema(
        responses=inline_serializer(
            "ChatAgents", {"agents": serializers.ListField(child=AGENT_LOAD)}
        )
    )
    def get(self, request: Request) -> Response:
        if not is_supervisor(request.user):
            raise PermissionDenied
        users = get_user_model().objects.filter(is_active=True, agent_profile__isnull=False)
        loads = agent_loads(users.prefetch_related("queues").order_by("username"))
        return Response({"agents": [_load_json(load) for load in loads]})


class AgentCapacityView(APIView):
    """POST {"capacity": 0..20}: a supervisor sets an agent's concurrent-chat maximum."""

    @extend_schema(
        request=inline_serializer("ChatCapacity", {"capacity": serializers.IntegerField()}),
        responses=AGENT_LOAD,
    )
    def post(self, request: Request, agent_id: int) -> Response:
        raw = request.data.get("capacity") if hasattr(request.data, "get") else None
        try:
            capacity = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationError({"capacity": ["Debe ser un número entero."]}) from exc
        try:
            load = capacity_set(agent_id, capacity, actor=request.user)
        except ProtocolError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied from exc
            if exc.code == "not_found":
                return Response({"detail": str(exc)}, status=404)
            raise ValidationError({"capacity": [str(exc)]}) from exc
        return Response(_load_json(load))


class CannedListView(APIView):
    """GET: canned responses for the agent's queues (and the general ones)."""

    @extend_schema(
        responses=inline_serializer(
            "ChatCannedList", {"canned": serializers.ListField(child=CANNED)}
        )
    )
    def get(self, request: Request) -> Response:
        if not is_agent(request.user):
            raise PermissionDenied
        queue_ids = [queue.pk for queue in agent_queues(request.user)]
        rows = CannedResponse.objects.filter(Q(queue__isnull=True) | Q(queue_id__in=queue_ids))
        return Response(
            {
                "canned": [
                    {
                        "id": row.pk,
                        "title": row.title,
                        "shortcut": row.shortcut,
                        "body": row.body,
                        "language": row.language,
                        "queue": row.queue.slug if row.queue else None,
                    }
                    for row in rows.select_related("queue")
                ]
            }
        )
