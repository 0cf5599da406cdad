"""Email intake end to end against the database (no IMAP): threading, loops, bounces, acks."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from helpdesk.models import Attachment, DeliveryStatus, Message, Ticket
from helpdesk.services.replies import ticket_reply
from mailin.models import QuarantinedEmail
from mailin.services import MailSource, email_receive
from tests.mailin.mails import mail

pytestmark = [pytest.mark.core, pytest.mark.django_db]
SOURCE = MailSource(key="test", default_queue="technical")


def test_new_mail_opens_ticket_with_ack_and_reply_threads(queues, agent):
    first = mail(message_id="<m1@cliente.test>")
    outcome = email_receive(first, SOURCE)
    assert outcome.kind == "created"
    ticket = Ticket.objects.get(reference=outcome.ticket_reference)
    assert ticket.channel == "email" and ticket.contact.email == "ana@cliente.test"
    ack = ticket.messages.get(automatic=True)
    assert ack.delivery_status == DeliveryStatus.PENDING and ticket.reference in ack.text
    # Reply by In-Reply-To to our acknowledgement (a message we SENT).
    reply = mail(
        subject="Re: algo distinto",
        text="Sigue sin señal.\n\nEl lun escribió:\n> x",
        in_reply_to=ack.email_message_id,
        message_id="<m2@cliente.test>",
    )
    second = email_receive(reply, SOURCE)
    assert (second.kind, second.ticket_reference, second.detail) == (
        "appended",
        ticket.reference,
        "message-id",
    )
    assert ticket.messages.get(email_message_id="<m2@cliente.test>").text == "Sigue sin señal."
    # New subject with the reference still joins; same bytes twice are stored once.
    tagged = mail(subject=f"Otra cosa [{ticket.reference}]", message_id="<m3@cliente.test>")
    assert email_receive(tagged, SOURCE).detail == "reference"
    assert email_receive(tagged, SOURCE).kind == "duplicate"
    assert Ticket.objects.count() == 1
    assert ticket.messages.filter(author_kind="customer").count() == 3
    # Only one acknowledgement for the ticket.
    assert ticket.messages.filter(automatic=True).count() == 1


def test_same_sender_same_subject_joins_within_window(queues):
    email_receive(mail(message_id="<s1@c.test>"), SOURCE)
    outcome = email_receive(
        mail(subject="RE: Sin señal desde ayer", message_id="<s2@c.test>"), SOURCE
    )
    assert outcome.detail == "subject"
    assert Ticket.objects.count() == 1


def test_auto_replies_and_loops_never_open_tickets(queues):
    assert email_receive(mail(headers={"Auto-Submitted": "auto-replied"}), SOURCE).kind == (
        "auto_reply"
    )
    assert email_receive(mail(subject="Fuera de la oficina"), SOURCE).kind == "auto_reply"
    assert email_receive(mail(headers={"X-Helpdesk-Ticket": "T-7K3Q9D"}), SOURCE).kind == "loop"
    assert email_receive(mail(sender="soporte@helpdesk.example"), SOURCE).kind == "loop"
    assert Ticket.objects.count() == 0
    assert sorted(QuarantinedEmail.objects.values_list("kind", flat=True)) == [
        "auto_reply",
        "auto_reply",
        "loop",
        "loop",
    ]


def test_mailing_list_gets_no_acknowledgement(queues):
    outcome = email_receive(mail(headers={"List-Id": "<clientes.lists.test>"}), SOURCE)
    ticket = Ticket.objects.get(reference=outcome.ticket_reference)
    assert not ticket.messages.filter(automatic=True).exists()


def test_acknowledgements_rate_limited_per_sender(queues, settings):
    settings.MAILIN_ACK_LIMIT = 2
    for index in range(4):
        email_receive(mail(subject=f"Caso {index}", message_id=f"<r{index}@c.test>"), SOURCE)
    assert Ticket.objects.count() == 4
    assert Message.objects.filter(automatic=True).count() == 2


def test_bounce_marks_outgoing_failed_with_internal_note(queues, agent):
    outcome = email_receive(mail(message_id="<b1@c.test>"), SOURCE)
    ticket = Ticket.objects.get(reference=outcome.ticket_reference)
    reply = ticket_reply(ticket, author=agent, text="Reinicie el equipo, por favor.")
    reply.refresh_from_db()
    bounce = (
        b"From: MAILER-DAEMON@mx.test\r\nTo: soporte@helpdesk.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n"
        b"\r\nFinal-Recipient: rfc822; ana@cliente.test\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: "
        + reply.email_message_id.encode()
        + b"\r\n--B--\r\n"
    )
    result = email_receive(bounce, SOURCE)
    assert (result.kind, result.ticket_reference) == ("bounce", ticket.reference)
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED and "5.1.1" in reply.delivery_error
    note = ticket.messages.filter(internal=True).get()
    assert "no se pudo entregar" in note.text
    assert Ticket.objects.count() == 1


def test_disallowed_attachment_kept_quarantined_with_note(queues):
    raw = mail(
        attachments=[
            ("virus.exe", "application/x-msdownload", b"MZ" * 10),
            ("foto.png", "image/png", b"\x89PNG0000"),
        ]
    )
    outcome = email_receive(raw, SOURCE)
    ticket = Ticket.objects.get(reference=outcome.ticket_reference)
    files = dict(Attachment.objects.values_list("filename", "quarantined"))
    assert files == {"virus.exe": True, "foto.png": False}
    assert "virus.exe" in ticket.messages.get(internal=True).text


def test_malformed_mail_quarantined_and_next_still_processed(queues):
    assert email_receive(b"\x00\x01 garbage", SOURCE).kind == "quarantined"
    no_sender = b"Subject: hola\r\nTo: soporte@helpdesk.example\r\n\r\nsin remitente"
    assert email_receive(no_sender, SOURCE).kind == "quarantined"
    assert email_receive(mail(), SOURCE).kind == "created"
    kinds = sorted(QuarantinedEmail.objects.values_list("kind", flat=True))
    assert kinds == ["parse_error", "processing_error"]
    assert bytes(QuarantinedEmail.objects.get(kind="parse_error").raw) == b"\x00\x01 garbage"
    assert Ticket.objects.count() == 1


def test_outbound_headers_thread_and_flag_automatic(queues, agent):
    from mailin.outbound import email_compose

    email_receive(mail(message_id="<o1@c.test>"), SOURCE)
    ticket = Ticket.objects.get()
    reply = ticket_reply(ticket, author=agent, text="Hola Ana")
    composed = email_compose(reply)
    assert (
        composed.extra_headers["In-Reply-To"]
        == ticket.messages.filter(automatic=True).get().email_message_id
    )
    assert "<o1@c.test>" in composed.extra_headers["References"]
    assert f"[{ticket.reference}]" in composed.subject
    ack = email_compose(ticket.messages.get(automatic=True))
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert outbox.outbox == []  # nothing is sent before the job runs


def test_seed_is_idempotent(queues):
    from io import StringIO

    from mailin.models import Mailbox
    from mailin.seed import seed

    seed(StringIO())
    counts = (Mailbox.objects.count(), Ticket.objects.count(), Message.objects.count())
    out = StringIO()
    seed(out)
    assert (Mailbox.objects.count(), Ticket.objects.count(), Message.objects.count()) == counts
    assert counts[:2] == (1, 1)
    assert not Mailbox.objects.get().active
    assert "0 registros nuevos" in out.getvalue()
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(author_kind="customer").count() == 2


def test_subject_compose_one_tag_one_prefix():
    from mailin.composing import subject_compose

    assert subject_compose("T-7K3Q9D", "RE: Re: [T-7K3Q9D] Sin señal") == (
        "Re: [T-7K3Q9D] Sin señal"
    )
    assert subject_compose("T-7K3Q9D", "", reply=False) == "[T-7K3Q9D] Su solicitud"


def test_quarantine_retry_after_the_cause_is_fixed(db):
    from helpdesk.models import Queue
    from mailin.services import quarantine_retry

    # No queues exist yet: intake cannot place the ticket, so the mail is quarantined.
    assert email_receive(mail(message_id="<qr@c.test>"), SOURCE).kind == "quarantined"
    item = QuarantinedEmail.objects.get()
    assert item.kind == "processing_error" and Ticket.objects.count() == 0
    from tests.factories import queues_create

    queues_create()
    assert Queue.objects.exists()
    outcome = quarantine_retry(item)
    assert outcome.kind == "created"
    item.refresh_from_db()
    assert item.resolved and item.ticket_reference == outcome.ticket_reference


def test_email_build_parts_headers_and_files():
    from email import message_from_bytes, policy

    from mailin.composing import OutgoingEmail, email_build

    built = email_build(
        OutgoingEmail(
            reference="T-7K3Q9D",
            subject="Sin señal",
            text="Reinicie el equipo.",
            html='<p onclick="x()">Reinicie <b>el equipo</b></p><script>y()</script>',
            to="ana@cliente.test",
            from_email="Soporte <soporte@helpdesk.example>",
            message_id="<T-7K3Q9D.1@helpdesk.example>",
            tracking_url="http://x/seguimiento/abc/",
            thread_ids=["<a@c.test>", "<T-7K3Q9D.0@helpdesk.example>"],
            files=[("guia.pdf", b"%PDF-1.4", "application/pdf")],
        )
    )
    parsed = message_from_bytes(built.message().as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Re: [T-7K3Q9D] Sin señal"
    assert parsed["In-Reply-To"] == "<T-7K3Q9D.0@helpdesk.example>"
    assert parsed["References"] == "<a@c.test> <T-7K3Q9D.0@helpdesk.example>"
    assert parsed["Auto-Submitted"] is None
    html = parsed.get_body(("html",)).get_content()
    assert "<b>el equipo</b>" in html and "script" not in html and "onclick" not in html
    assert "http://x/seguimiento/abc/" in parsed.get_body(("plain",)).get_content()
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["guia.pdf"]
