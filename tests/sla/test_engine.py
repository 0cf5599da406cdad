"""Pauses, next response, resolution, policy changes, escalation, reminders, leases."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from helpdesk.models import AgentProfile, Message, Priority, Status, Ticket, TicketEvent
from helpdesk.services.tickets import ticket_assign, ticket_status_set
from helpdesk.sla.leases import Lease
from helpdesk.sla.models import BusinessCalendar, SlaClockEvent, SlaPolicy, TicketClock
from helpdesk.sla.services import (
    sla_customer_messaged,
    sla_policy_changed,
    sla_status_changed,
)
from tests.factories import user_create
from tests.listen import LayerListener
from tests.sla.helpers import office, policy, ticket_open, watch

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

MX = ZoneInfo("America/Mexico_City")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


def in_tx(fn, *args, **kwargs):
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=args[0].pk)
        fn(ticket, *args[1:], **kwargs)
    ticket.refresh_from_db()
    return ticket


def test_waiting_pauses_and_customer_answer_resumes(queues):
    policy(name="tec", calendar=office(), first_response_minutes=8 * 60)
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10, 0))  # Monday
    assert ticket.sla_due_at == mx(2026, 3, 2, 18, 0)
    ticket = in_tx(sla_status_changed, ticket, "open", "waiting", now=mx(2026, 3, 2, 12, 0))
    assert ticket.sla_state == "paused" and ticket.sla_due_at is None
    assert watch(mx(2026, 3, 3, 18, 0))["breached"] == []  # paused: nothing runs

    ticket = in_tx(sla_customer_messaged, ticket, now=mx(2026, 3, 4, 10, 0))  # Wednesday
    # 2 h used Monday; 6 h left from Wednesday 10:00.
    assert ticket.sla_state == "running" and ticket.sla_due_at == mx(2026, 3, 4, 16, 0)
    clock = TicketClock.objects.get(ticket=ticket)
    assert clock.paused_seconds == (mx(2026, 3, 4, 10) - mx(2026, 3, 2, 12)).total_seconds()
    assert list(SlaClockEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        "started",
        "paused",
        "resumed",
    ]
    assert watch(mx(2026, 3, 4, 16, 1))["breached"] == [ticket.reference]


def test_policy_without_pause_keeps_running_while_waiting(queues):
    policy(name="no pausa", first_response_minutes=60, pause_when_waiting=False)
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10, 0))
    ticket = in_tx(sla_status_changed, ticket, "open", "waiting", now=mx(2026, 3, 2, 10, 10))
    assert ticket.sla_state == "running" and ticket.sla_due_at == mx(2026, 3, 2, 11, 0)


def test_next_response_and_resolution(queues, agent):
    from helpdesk.services.replies import ticket_reply

    now = timezone.now()
    policy(name="todo", first_response_minutes=60, next_response_minutes=30, resolution_minutes=600)
    ticket = ticket_open(queues["technical"], at=now - timedelta(minutes=10))
    clock = TicketClock.objects.get(ticket=ticket)
    assert set(clock.targets) == {"first_response", "resolution"}
    assert clock.target == "first_response"
    ticket_reply(ticket, author=agent, text="Hola, ¿ya probaste reiniciar?")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING and ticket.sla_state == "paused"

    from helpdesk.services.intake import Inbound, intake_receive

    intake_receive(
        Inbound(
            channel="email",
            email="cliente@example.com",
            ticket_id=ticket.pk,
            text="Sí, sigue igual",
        )
    )
    clock = TicketClock.objects.get(ticket=ticket)
    ticket.refresh_from_db()
    assert clock.targets["next_response"]["state"] == "running"
    assert ticket.sla_state == "running" and clock.target == "next_response"
    assert ticket.sla_due_at == datetime.fromisoformat(clock.targets["next_response"]["due"])

    ticket_status_set(ticket, status=Status.RESOLVED, actor=agent)
    clock = TicketClock.objects.get(ticket=ticket)
    assert clock.targets["resolution"]["state"] == "met"
    assert clock.targets["next_response"]["state"] == "stopped"
    assert Ticket.objects.get(pk=ticket.pk).sla_state == "met"
    assert clock.due_at is None

    # The customer writes again: reopened, resolution runs again with the resolved time paused.
    intake_receive(
        Inbound(
            channel="email",
            email="cliente@example.com",
            ticket_id=ticket.pk,
            text="Volvió a fallar",
        )
    )
    clock = TicketClock.objects.get(ticket=ticket)
    assert clock.targets["resolution"]["state"] == "running" and clock.due_at is not None
    kinds = list(SlaClockEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert "reopened" in kinds and kinds.count("met") >= 2


def test_policy_change_recomputes_open_tickets_forward_only(queues, agent):
    from helpdesk.services.replies import ticket_reply

    now = timezone.now()
    pol = policy(name="cambia", first_response_minutes=120)
    answered = ticket_open(queues["technical"], at=now - timedelta(minutes=30))
    ticket_reply(answered, author=agent, text="Listo")
    running = ticket_open(
        queues["technical"], at=now - timedelta(minutes=30), email="otro@example.com"
    )
    met_event = SlaClockEvent.objects.get(ticket=answered, kind="met")

    pol.first_response_minutes = 60
    pol.save()
    with transaction.atomic():
        assert sla_policy_changed(pol, now=now) == 1
    running.refresh_from_db()
    assert running.sla_due_at == now - timedelta(minutes=30) + timedelta(minutes=60)
    assert SlaClockEvent.objects.filter(ticket=running, kind="recomputed").count() == 1
    assert SlaClockEvent.objects.get(ticket=answered, kind="met") == met_event
    assert not SlaClockEvent.objects.filter(ticket=answered, kind="recomputed").exists()
    assert Ticket.objects.get(pk=answered.pk).sla_state == "met"


def test_watcher_escalates_and_notifies_live(queues, agent, supervisor, settings):
    listener = LayerListener("supervisors")
    queues["technical"].supervisors.add(supervisor)
    policy(
        name="escala",
        first_response_minutes=60,
        escalate_raise_priority=True,
        escalate_to_supervisors=True,
    )
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10, 0))
    ticket_assign(ticket, assignee=agent, actor=None)

    result = watch(mx(2026, 3, 2, 11, 1))
    assert result["breached"] == [ticket.reference]
    assert result["escalated"] == [ticket.reference]
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH and ticket.assignee == supervisor
    assert TicketEvent.objects.filter(ticket=ticket, kind="priority_changed").count() == 1

    events = listener.events()
    listener.close()
    breached = [data for event, data in events if event == "sla.breached"]
    assert len(breached) == 1, [event for event, _ in events]
    assert breached[0]["ticket"]["reference"] == ticket.reference
    assert breached[0]["target"] == "first_response"


def test_at_risk_marks_at_ratio(queues):
    policy(name="riesgo", first_response_minutes=100, at_risk_ratio=0.8)
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10, 0))
    assert watch(mx(2026, 3, 2, 11, 19))["at_risk"] == []
    assert watch(mx(2026, 3, 2, 11, 20))["at_risk"] == [ticket.reference]
    assert watch(mx(2026, 3, 2, 11, 21))["at_risk"] == []
    assert Ticket.objects.get(pk=ticket.pk).sla_state == "at_risk"


def test_live_chat_policy_needs_an_agent_online(queues, agent):
    policy(name="chat", order=1, channel="chat", agents_online=True, first_response_minutes=2)
    policy(name="general", order=9, first_response_minutes=480)
    offline = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10), channel="chat")
    assert offline.sla_policy.name == "general"
    AgentProfile.objects.filter(user=agent).update(presence="online")
    online = ticket_open(
        queues["technical"], at=mx(2026, 3, 2, 10), channel="chat", email="x@example.com"
    )
    assert online.sla_policy.name == "chat"
    assert online.sla_due_at == mx(2026, 3, 2, 10, 2)


def test_no_policy_means_nothing_to_watch(queues):
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10))
    assert ticket.sla_policy is None and ticket.sla_state == "met" and ticket.sla_due_at is None
    assert watch(mx(2027, 1, 1))["breached"] == []


@override_settings(HELPDESK={"WAITING_REMINDER_HOURS": 24, "WAITING_AUTOCLOSE_HOURS": 72})
def test_waiting_ticket_gets_a_reminder_then_closes(queues, agent):
    from helpdesk.services.replies import ticket_reply

    ticket = ticket_open(queues["technical"], at=timezone.now())
    ticket_reply(ticket, author=agent, text="¿Puedes enviarnos una captura?")
    ticket.refresh_from_db()
    replied = ticket.last_agent_message_at
    assert watch(replied + timedelta(hours=23))["reminders"] == []
    assert watch(replied + timedelta(hours=25))["reminders"] == [ticket.reference]
    assert watch(replied + timedelta(hours=26))["reminders"] == []
    reminder = Message.objects.filter(ticket=ticket, automatic=True).get()
    assert ticket.reference in reminder.text
    assert watch(replied + timedelta(hours=73))["closed"] == [ticket.reference]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


@pytest.mark.parametrize("redis", [False, True])
def test_leader_lease_is_exclusive(settings, redis):
    if redis and not settings.REDIS_URL:
        # The SQLite run leaves Redis out of the settings; the lease still needs a real one.
        import os

        import redis as redis_client

        from tests.conftest import require_service

        url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
        try:
            redis_client.Redis.from_url(url, socket_timeout=3).ping()
        except redis_client.RedisError as error:
            require_service("Redis", str(error))
        settings.REDIS_URL = url
    if not redis:
        settings.REDIS_URL = ""
    first, second = Lease("test-lease", ttl=30), Lease("test-lease", ttl=30)
    assert first.acquire() and first.acquire()  # renewing is fine
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_policy_and_calendar_validation_write_nothing(queues):
    bad = SlaPolicy(name="vacía", calendar=None)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "al menos un objetivo" in str(error.value)
    with pytest.raises(ValidationError):
        SlaPolicy(name="ratio", first_response_minutes=5, at_risk_ratio=1.5).full_clean()
    cal = BusinessCalendar(
        name="mal",
        timezone="America/Asuncion",
        always_open=False,
        hours={"1": [["09:00", "13:00"], ["12:00", "18:00"]]},
    )
    with pytest.raises(ValidationError) as error:
        cal.full_clean()
    assert "superpuestas" in str(error.value)
    cal.hours = {"1": [["09:00", "13:00"]]}
    cal.holidays = ["2026-13-01"]
    with pytest.raises(ValidationError) as error:
        cal.full_clean()
    assert "holidays" in error.value.message_dict
    assert SlaPolicy.objects.count() == 0 and BusinessCalendar.objects.count() == 0


def test_admin_refuses_overlapping_calendar_and_saves_nothing(queues, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "r@x.co", "clave-segura-123")
    client.force_login(admin)
    response = client.post(
        "/admin/sla/businesscalendar/add/",
        {
            "name": "Solapado",
            "timezone": "America/Mexico_City",
            "always_open": "",
            "hours": '{"1": [["09:00", "13:00"], ["12:00", "18:00"]]}',
            "holidays": "[]",
        },
    )
    assert response.status_code == 200
    assert "superpuestas" in response.content.decode()
    response = client.post(
        "/admin/sla/slapolicy/add/",
        {
            "name": "Sin objetivos",
            "order": 1,
            "active": "on",
            "at_risk_ratio": "0.8",
            "clarification": "unknown",
            "agents_online": "unknown",
            "pause_when_waiting": "on",
        },
    )
    assert response.status_code == 200
    assert "al menos un objetivo" in response.content.decode()
    assert not BusinessCalendar.objects.exists() and not SlaPolicy.objects.exists()


def test_seed_is_idempotent(queues):
    import io

    from helpdesk.sla.seed import seed

    seed(io.StringIO())
    counts = (BusinessCalendar.objects.count(), SlaPolicy.objects.count())
    seed(io.StringIO())
    assert (BusinessCalendar.objects.count(), SlaPolicy.objects.count()) == counts == (3, 7)
    first = SlaPolicy.objects.order_by("order").first()
    assert first.clarification is True and first.first_response_minutes == 24 * 60
    assert user_create  # factories stay importable for other tests


def test_reclassified_ticket_takes_the_new_policy_forward(queues):
    from helpdesk.sla.services import sla_ticket_reclassified

    policy(name="urgente", order=1, priority=Priority.URGENT, first_response_minutes=30)
    policy(name="normal", order=9, first_response_minutes=480)
    ticket = ticket_open(queues["technical"], at=mx(2026, 3, 2, 10, 0))
    assert ticket.sla_policy.name == "normal"
    ticket.priority = Priority.URGENT
    ticket.save(update_fields=["priority"])
    ticket = in_tx(sla_ticket_reclassified, ticket, now=mx(2026, 3, 2, 10, 5))
    assert ticket.sla_policy.name == "urgente"
    assert ticket.sla_due_at == mx(2026, 3, 2, 10, 30)  # same start, new minutes
    event = SlaClockEvent.objects.get(ticket=ticket, kind="policy_changed")
    assert event.data == {"from": "normal", "to": "urgente"}
    before = SlaClockEvent.objects.count()
    in_tx(sla_ticket_reclassified, ticket, now=mx(2026, 3, 2, 10, 6))
    assert SlaClockEvent.objects.count() == before  # same policy: nothing recorded
