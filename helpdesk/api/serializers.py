from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from helpdesk.models import Message, Status, Ticket
from helpdesk.services.acknowledgements import tracking_url


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know, so a typo never silently drops data."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Campo desconocido."] for name in unknown}
                )
        return super().to_internal_value(data)


class TicketListQuerySerializer(serializers.Serializer):
    """The list's query string: a bad value is a 400 naming the parameter, never a 500."""

    queue = serializers.SlugField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=[("", "any"), ("pending", "pending"), *Status.choices],
        required=False,
        default="",
        help_text="'pending' = new, open or waiting; empty = any status.",
    )
    mine = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Search: a reference (T-7K3Q9D), an email address, a phone line, or words "
        "of the subject or the customer's name (accents and case ignored).",
    )
    cursor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    size = serializers.IntegerField(min_value=1, max_value=100, required=False, default=25)


class TicketCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=settings.HELPDESK["MAX_MESSAGE_CHARS"])


class TicketCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    queue = serializers.CharField(source="queue.slug")
    category = serializers.CharField()
    status = serializers.CharField()
    sla_due_at = serializers.DateTimeField(allow_null=True)
    tracking_url = serializers.SerializerMethodField()

    def get_tracking_url(self, ticket: Ticket) -> str:
        return tracking_url(ticket)


class MessageSerializer(serializers.ModelSerializer):
    # "from" is a keyword, so the field is renamed in to_representation.
    author = serializers.CharField(source="author_kind")
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Message
        fields = [
            "seq",
            "author",
            "author_name",
            "channel",
            "text",
            "internal",
            "at",
            "delivery_status",
        ]

    def to_representation(self, instance: Message) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["from"] = data.pop("author")
        return data


class SlaSerializer(serializers.Serializer):
    policy = serializers.CharField(source="sla_policy.name", allow_null=True, default=None)
    due_at = serializers.DateTimeField(source="sla_due_at", allow_null=True)
    state = serializers.CharField(source="sla_state")


class TicketListSerializer(serializers.ModelSerializer):
    queue = serializers.CharField(source="queue.slug")
    contact = serializers.SerializerMethodField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    sla = SlaSerializer(source="*")

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "subject",
            "queue",
            "category",
            "channel",
            "status",
            "priority",
            "clarification",
            "needs_triage",
            "assignee",
            "contact",
            "sla",
            "created_at",
            "updated_at",
        ]

    def get_contact(self, ticket: Ticket) -> dict[str, str]:
        return {
            "name": ticket.contact.name,
            "email": ticket.contact.email,
            "phone": ticket.contact.phone,
        }


class TicketDetailSerializer(TicketListSerializer):
    messages = serializers.SerializerMethodField()
    triage = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = [*TicketListSerializer.Meta.fields, "messages", "triage"]

    def get_messages(self, ticket: Ticket) -> list[dict[str, Any]]:
        return list(MessageSerializer(ticket.messages.order_by("seq"), many=True).data)

    def get_triage(self, ticket: Ticket) -> dict[str, Any]:
        return {"confidence": ticket.triage_confidence, "reasons": ticket.triage_reasons}


class ReplySerializer(StrictSerializer):
    text = serializers.CharField(max_length=settings.HELPDESK["MAX_MESSAGE_CHARS"])
    internal = serializers.BooleanField(default=False)
    client_id = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
