"""REST API edges: validate, call one service, render."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from helpdesk.api.serializers import (
    MessageSerializer,
    ReplySerializer,
    TicketCreatedSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketListQuerySerializer,
    TicketListSerializer,
    TokenRequestSerializer,
)
from helpdesk.models import Ticket
from helpdesk.permissions import can_work_ticket, is_agent
from helpdesk.selectors import TicketFilters, ticket_page
from helpdesk.services.acknowledgements import ticket_submit
from helpdesk.services.intake import Inbound, IntakeError
from helpdesk.services.replies import ReplyError, ticket_reply


class IntakeThrottle(AnonRateThrottle):
    scope = "intake"


class IsAgent(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_agent(request.user)


class TicketCollection(APIView):
    """POST: open a ticket without login (rate-limited). GET: tickets the token may see."""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAgent()]

    def get_throttles(self) -> list:
        return [IntakeThrottle()] if self.request.method == "POST" else []

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketCreatedSerializer})
    def post(self, request: Request) -> Response:
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = ticket_submit(
                Inbound(
                    channel="api",
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    subject=data["subject"],
                    text=data["message"],
                )
            )
        except IntakeError as error:
            return Response({"message": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(TicketCreatedSerializer(result.ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TicketListQuerySerializer], responses=TicketListSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        query = TicketListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = TicketFilters(
            queue=params["queue"], status=params["status"], mine=params["mine"], q=params["q"]
        )
        page = ticket_page(
            request.user, filters, cursor=params["cursor"] or None, size=params["size"]
        )
        return Response(
            {
                "results": TicketListSerializer(page.tickets, many=True).data,
                "next": page.next_cursor,
            }
        )


class TicketDetail(APIView):
    permission_classes = [IsAgent]

    def _ticket(self, request: Request, reference: str) -> Ticket:
        ticket = get_object_or_404(
            Ticket.objects.select_related("queue", "contact", "assignee", "sla_policy"),
            reference=reference.upper(),
        )
        if not can_work_ticket(request.user, ticket):
            raise PermissionDenied("Este ticket es de una cola que no atiendes.")
        return ticket

    @extend_schema(responses=TicketDetailSerializer)
    def get(self, request: Request, reference: str) -> Response:
        return Response(TicketDetailSerializer(self._ticket(request, reference)).data)


class TicketReply(TicketDetail):
    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer})
    def post(self, request: Request, reference: str) -> Response:
        ticket = self._ticket(request, reference)
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            message = ticket_reply(
                ticket,
                author=request.user,
                text=data["text"],
                internal=data["internal"],
                client_id=data["client_id"],
            )
        except ReplyError as error:
            return Response({"text": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class AuthToken(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [IntakeThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not is_agent(user):
            return Response(
                {"detail": "Usuario o contraseña incorrectos."}, status=status.HTTP_400_BAD_REQUEST
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
