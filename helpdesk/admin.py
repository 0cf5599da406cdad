from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.models import (
    AgentProfile,
    Attachment,
    CannedResponse,
    Contact,
    Message,
    Queue,
    Ticket,
    TicketEvent,
)
from helpdesk.services.delivery import DeliveryRetryError, message_delivery_retry


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_es", "name_en", "order"]
    filter_horizontal = ["members", "supervisors"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "display_name", "chat_capacity", "presence"]
    list_filter = ["role", "presence"]
    search_fields = ["user__username", "display_name"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "shortcut", "language", "queue"]
    list_filter = ["language", "queue"]
    search_fields = ["title", "body", "shortcut"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "created_at"]
    search_fields = ["name", "email", "phone"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("seq", "author_kind", "channel", "internal", "text", "delivery_status")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "field", "old_value", "new_value")
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the agent console so services record the audit."""

    list_display = [
        "reference",
        "subject",
        "queue",
        "category",
        "status",
        "channel",
        "sla_state",
        "sla_due_at",
        "created_at",
    ]
    list_filter = ["queue", "status", "channel", "category", "clarification", "sla_state"]
    search_fields = ["reference", "subject", "contact__email"]
    readonly_fields = [f.name for f in Ticket._meta.fields]
    inlines = [MessageInline, EventInline]
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "seq",
        "author_kind",
        "channel",
        "internal",
        "delivery_status",
        "created_at",
    ]
    list_filter = ["channel", "author_kind", "delivery_status"]
    readonly_fields = [f.name for f in Message._meta.fields]
    show_full_result_count = False
    actions = ["delivery_retry"]

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.action(description=gettext_lazy("Reintentar el envío de los correos fallidos"))
    def delivery_retry(self, request: Any, queryset: Any) -> None:
        retried = skipped = 0
        for message in queryset.select_related("ticket"):
            try:
                message_delivery_retry(message.ticket, message.seq, actor=request.user)
            except DeliveryRetryError:
                skipped += 1
            else:
                retried += 1
        self.message_user(
            request,
            _("%(retried)s en cola de nuevo; %(skipped)s sin envío fallido.")
            % {"retried": retried, "skipped": skipped},
        )


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "content_type", "size", "quarantined", "message"]
    list_filter = ["quarantined"]
