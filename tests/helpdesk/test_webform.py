"""The web form channel: help centre, contact form, tracking page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import Attachment, Message, Ticket
from helpdesk.references import tracking_token
from tests.servers import worker_drain

pytestmark = [pytest.mark.core, pytest.mark.django_db]

VALID = {
    "name": "Rosa Acosta",
    "email": "rosa@example.com",
    "phone": "+52 55 1234 5678",
    "subject": "",
    "message": "Me descontaron dos veces la recarga de 200 pesos",
}


def test_help_centre_renders_form_in_spanish(client, queues):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "¿Cómo te ayudamos hoy?" in body
    assert 'id="id_message"' in body and 'id="kb-suggestions"' in body


def test_form_creates_ticket_and_shows_reference(client, queues):
    response = client.post("/", VALID, follow=True)
    ticket = Ticket.objects.get()
    body = response.content.decode()
    assert ticket.reference in body
    assert ticket.queue.slug == "billing"
    assert ticket.contact.phone == "+525512345678"
    assert ticket.channel == "web"
    assert ticket.sla_due_at is not None or ticket.sla_policy is None


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_email_is_a_durable_job(client, queues, smtp):
    client.post("/", VALID)
    ticket = Ticket.objects.get()
    ack = ticket.messages.get(author_kind="system")
    assert ack.automatic and ack.delivery_status == "pending"
    assert smtp.raw == []  # not sent inside the request
    worker_drain(smtp.env)
    assert len(smtp.raw) == 1
    sent = smtp.parsed()[0]
    assert sent["To"] == "rosa@example.com"
    assert f"[{ticket.reference}]" in sent["Subject"]
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["Message-ID"] == ack.email_message_id
    assert "/seguimiento/" in sent.get_body(("plain",)).get_content()
    ack.refresh_from_db()
    assert ack.delivery_status == "sent"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message": "   "}, "message"),
        ({"message": "x" * 1_000_000}, "message"),
        ({"email": "no-es-correo"}, "email"),
        ({"name": ""}, "name"),
        ({"phone": "12"}, "phone"),
    ],
)
def test_bad_input_gets_form_error_and_writes_nothing(client, queues, change, field):
    response = client.post("/", {**VALID, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Ticket.objects.count() == 0 and Message.objects.count() == 0


def test_honeypot_rejects_bots(client, queues):
    response = client.post("/", {**VALID, "website": "http://spam.example"})
    assert "website" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_script_tag_is_stored_as_text_and_escaped(client, queues):
    client.post("/", {**VALID, "message": "<script>alert('x')</script> sin señal"}, follow=True)
    ticket = Ticket.objects.get()
    page = client.get(reverse("helpdesk:tracking", args=[tracking_token(ticket.reference)]))
    body = page.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_allowed_attachment_is_stored(client, queues):
    upload = SimpleUploadedFile("captura.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    client.post("/", {**VALID, "attachments": [upload]})
    attachment = Attachment.objects.get()
    assert attachment.filename == "captura.png" and attachment.size == 108
    assert not attachment.quarantined


@pytest.mark.parametrize(
    ("name", "content_type", "size"),
    [("virus.exe", "application/x-msdownload", 10), ("enorme.pdf", "application/pdf", 11 * 2**20)],
)
def test_disallowed_or_oversized_attachment_is_refused(client, queues, name, content_type, size):
    upload = SimpleUploadedFile(name, b"0" * size, content_type)
    response = client.post("/", {**VALID, "attachments": [upload]})
    assert "attachments" in response.context["form"].errors
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_flood_of_submissions_gets_429(client, queues, settings):
    settings.HELPDESK = {**settings.HELPDESK, "FORM_RATE_EMAIL": "3/h"}
    codes = [client.post("/", {**VALID, "message": f"mensaje {i}"}).status_code for i in range(5)]
    assert codes[:3] == [302, 302, 302]
    assert codes[3:] == [429, 429]
    assert Ticket.objects.count() == 3


def test_tracking_page_shows_public_timeline_and_accepts_reply(client, queues, agent):
    from helpdesk.services.replies import ticket_reply

    client.post("/", {**VALID, "message": "No tengo señal desde ayer"})
    ticket = Ticket.objects.get()
    ticket_reply(ticket, author=agent, text="Nota: revisar antena", internal=True)
    ticket_reply(ticket, author=agent, text="Hola Rosa, ya revisamos la antena.")
    url = reverse("helpdesk:tracking", args=[tracking_token(ticket.reference)])
    body = client.get(url).content.decode()
    assert "ya revisamos la antena" in body
    assert "revisar antena" not in body  # internal notes never reach the customer
    client.post(url, {"message": "Gracias, ya funciona"})
    last = ticket.messages.order_by("-seq").first()
    assert last.text == "Gracias, ya funciona" and last.author_kind == "customer"
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_forged_tracking_token_is_404(client, queues):
    client.post("/", VALID)
    ticket = Ticket.objects.get()
    token = tracking_token(ticket.reference)
    forged = re.sub(r".$", lambda m: "A" if m.group(0) != "A" else "B", token)
    assert client.get(f"/seguimiento/{forged}/").status_code == 404
    assert client.get("/seguimiento/nada/").status_code == 404


def test_attachment_downloads_are_checked(client, queues, agent):
    from django.test import Client

    upload = SimpleUploadedFile("factura.pdf", b"%PDF-1.4 prueba", "application/pdf")
    client.post("/", {**VALID, "message": "No tengo señal", "attachments": [upload]})
    attachment = Attachment.objects.get()
    ticket = attachment.message.ticket
    token = tracking_token(ticket.reference)
    own = client.get(f"/seguimiento/{token}/adjuntos/{attachment.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.4 prueba"
    other = tracking_token("T-ZZZZZZ")
    assert client.get(f"/seguimiento/{other}/adjuntos/{attachment.pk}/").status_code == 404
    assert client.get(f"/agent/adjuntos/{attachment.pk}/").status_code == 302  # login first
    staff = Client()
    staff.force_login(agent)
    assert staff.get(f"/agent/adjuntos/{attachment.pk}/").status_code == 200
