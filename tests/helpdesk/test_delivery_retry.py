"""A failed email reply sent again by an agent (or from the admin): once, audited, allowed only
to those who work the ticket, and only for a delivery that really failed."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from helpdesk.models import DeliveryStatus, Message, Role, TicketEvent
from helpdesk.services.delivery import DeliveryRetryError, message_delivery_retry
from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.replies import ticket_reply
from mailin.outbound import MAX_ATTEMPTS, message_email_send
from tests.factories import user_create
from tests.servers import free_port, worker_drain

pytestmark = [pytest.mark.core]

TASK = "mailin.outbound.message_email_send"


def _ready_sends(message: Message) -> int:
    return sum(
        1
        for job in DBTaskResult.objects.ready().filter(task_path=TASK)
        if job.args_kwargs["args"] == [message.pk]
    )


def _failed_reply(agent, settings):
    ticket = intake_receive(
        Inbound(channel="web", name="Rosa", email="rosa@example.com", text="No tengo señal")
    ).ticket
    reply = ticket_reply(ticket, author=agent, text="Reinicia el equipo, por favor")
    dead = free_port()  # nothing listens there: SMTP is down
    worker_drain({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(dead)})  # the jobs of the reply
    settings.EMAIL_PORT = dead
    while message_email_send.call(reply.pk) == "retry":
        pass
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED
    assert reply.delivery_attempts == MAX_ATTEMPTS
    assert _ready_sends(reply) == 0  # its later retries wait in the future, none runs now
    return ticket, reply


@pytest.mark.django_db(transaction=True)
def test_agent_resends_a_failed_reply_and_it_arrives_once(queues, agent, smtp, settings):
    up_port = settings.EMAIL_PORT
    ticket, reply = _failed_reply(agent, settings)
    client = Client()
    client.force_login(agent)
    page = client.get(reverse("helpdesk:agent-ticket", args=[ticket.reference])).content.decode()
    assert f'data-testid="resend-{reply.seq}"' in page and "ConnectionRefusedError" in page
    url = reverse("helpdesk:agent-message-resend", args=[ticket.reference, reply.seq])

    response = client.post(url, follow=True)
    assert "vuelve a la cola de envío" in response.content.decode()
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_attempts, reply.delivery_error) == (
        DeliveryStatus.PENDING,
        0,
        "",
    )
    assert _ready_sends(reply) == 1
    event = TicketEvent.objects.get(ticket=ticket, kind="delivery_retried")
    assert event.actor == agent and event.data["seq"] == reply.seq
    assert "ConnectionRefusedError" in event.data["error"]

    # A second click before the worker ran: refused, no second job.
    again = client.post(url, follow=True).content.decode()
    assert "no tiene un envío fallido" in again
    assert _ready_sends(reply) == 1

    settings.EMAIL_PORT = up_port
    worker_drain(smtp.env)
    received = [raw for raw in smtp.wait(1) if b"Reinicia el equipo" in raw]
    assert len(received) == 1
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT and reply.delivery_attempts == 1


@pytest.mark.django_db(transaction=True)
def test_resend_is_refused_to_other_queues_and_for_what_did_not_fail(
    queues, agent, billing_agent, smtp, settings
):
    ticket, reply = _failed_reply(agent, settings)
    other = Client()
    other.force_login(billing_agent)
    url = reverse("helpdesk:agent-message-resend", args=[ticket.reference, reply.seq])
    assert other.post(url).status_code == 403
    assert Client().post(url).status_code == 302  # anonymous: to the login page
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED and _ready_sends(reply) == 0

    note = ticket_reply(ticket, author=agent, text="nota", internal=True)
    customer = ticket.messages.get(author_kind="customer")
    for seq, code in ((note.seq, "not_found"), (customer.seq, "not_found"), (999, "not_found")):
        with pytest.raises(DeliveryRetryError) as refused:
            message_delivery_retry(ticket, seq, actor=agent)
        assert refused.value.code == code
    assert not TicketEvent.objects.filter(kind="delivery_retried").exists()


@pytest.mark.django_db(transaction=True)
def test_admin_action_retries_only_the_failed(queues, agent, smtp, settings):
    ticket, reply = _failed_reply(agent, settings)
    customer = ticket.messages.get(author_kind="customer")  # nothing was sent: not failed
    supervisor = user_create("jefa", role=Role.SUPERVISOR)
    supervisor.is_staff = supervisor.is_superuser = True
    supervisor.save()
    client = Client()
    client.force_login(supervisor)
    response = client.post(
        "/admin/helpdesk/message/",
        {
            "action": "delivery_retry",
            "_selected_action": [reply.pk, customer.pk],
        },
        follow=True,
    )
    assert "1 en cola de nuevo; 1 sin envío fallido." in response.content.decode()
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.PENDING and _ready_sends(reply) == 1
