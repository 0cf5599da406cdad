"""The reader against a real Dovecot, and replies against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest

from helpdesk.models import DeliveryStatus, Message, Ticket
from helpdesk.services.replies import ticket_reply
from mailin.imap import ImapSession
from mailin.models import QuarantinedEmail
from mailin.outbound import message_email_send
from mailin.reader import fetch_once, run_forever, url_target
from mailin.services import emails_receive
from tests.mailin.mails import mail
from tests.servers import free_port

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def seen_uids(dovecot, user: str) -> set[int]:
    client = dovecot.client(user)
    client.select_folder("INBOX")
    uids = set(client.search(["SEEN"]))
    client.logout()
    return uids


def test_new_mail_reply_and_duplicate_append(dovecot, imap_user, queues):
    user, url = imap_user
    first = mail(message_id="<i1@cliente.test>")
    dovecot.append(user, first, first)  # the same message appended twice
    report = fetch_once(url_target(url, "technical"))
    assert dict(report.counts) == {"created": 1, "duplicate": 1}
    ticket = Ticket.objects.get()
    dovecot.append(
        user,
        mail(
            subject=f"Re: Sin señal [{ticket.reference}]",
            in_reply_to="<i1@cliente.test>",
            message_id="<i2@cliente.test>",
        ),
    )
    assert dict(fetch_once(url_target(url)).counts) == {"appended": 1}
    assert Ticket.objects.count() == 1
    assert ticket.messages.filter(author_kind="customer").count() == 2
    assert seen_uids(dovecot, user) == {1, 2, 3}
    assert dict(fetch_once(url_target(url)).counts) == {}  # cursor: nothing re-read


def test_crash_after_commit_before_flag_creates_no_duplicate(dovecot, imap_user, queues):
    user, url = imap_user
    dovecot.append(
        user, mail(message_id="<k1@c.test>"), mail(message_id="<k2@c.test>", subject="Otro caso")
    )
    target = url_target(url)
    # The reader's first half: fetch and commit; then it dies before flagging.
    session = ImapSession(target.config)
    for batch in session.fetch(session.uids_after(0)):
        emails_receive(batch, target.source)
    session.client.shutdown()
    assert Ticket.objects.count() == 2
    assert seen_uids(dovecot, user) == set()  # committed, never flagged
    report = fetch_once(target)
    assert dict(report.counts) == {"duplicate": 2}
    assert Ticket.objects.count() == 2
    assert seen_uids(dovecot, user) == {1, 2}


def test_malformed_mail_is_quarantined_and_next_processed(dovecot, imap_user, queues):
    user, url = imap_user
    dovecot.append(user, b"Subject: roto\r\n\r\nsin remitente", mail(message_id="<q2@c.test>"))
    report = fetch_once(url_target(url))
    assert dict(report.counts) == {"quarantined": 1, "created": 1}
    item = QuarantinedEmail.objects.get()
    assert item.uid == 1 and b"sin remitente" in bytes(item.raw)
    assert seen_uids(dovecot, user) == {1, 2}


class Proxy:
    """A TCP proxy to Dovecot whose connections the test can cut (a dropped network)."""

    def __init__(self, target_port: int):
        self.port = free_port()
        self.target_port = target_port
        self.sockets: list[socket.socket] = []
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for item in (source, sink):
            with contextlib.suppress(OSError):
                item.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        for item in self.sockets:
            with contextlib.suppress(OSError):
                item.shutdown(socket.SHUT_RDWR)
        self.sockets = []

    def close(self) -> None:
        self.drop()
        self.server.close()


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_run_reconnects_after_connection_dropped_mid_idle(dovecot, imap_user, queues):
    user, _url = imap_user
    proxy = Proxy(dovecot.port)
    url = f"imap://{user}:secret@127.0.0.1:{proxy.port}/INBOX"
    stop = threading.Event()
    reports: list = []
    thread = threading.Thread(
        target=run_forever,
        args=(url_target(url), stop),
        kwargs={"idle_timeout": 2.0, "max_backoff": 1.0, "on_report": reports.append},
        daemon=True,
    )
    thread.start()
    try:
        dovecot.append(user, mail(message_id="<d1@c.test>"))
        assert wait_for(lambda: Ticket.objects.count() == 1)
        time.sleep(0.5)  # the reader is in IDLE now
        proxy.drop()
        dovecot.append(user, mail(message_id="<d2@c.test>", subject="Segundo caso"))
        assert wait_for(lambda: Ticket.objects.count() == 2)
    finally:
        stop.set()
        thread.join(15)
        proxy.close()
    assert not thread.is_alive()
    assert Message.objects.filter(author_kind="customer").count() == 2


def test_reply_reaches_smtp_with_threading_headers_and_answer_threads_back(
    dovecot, imap_user, queues, agent, smtp
):
    user, url = imap_user
    dovecot.append(user, mail(message_id="<t1@cliente.test>"))
    fetch_once(url_target(url))
    ticket = Ticket.objects.get()
    reply = ticket_reply(
        ticket,
        author=agent,
        text="Por favor reinicie el equipo.",
        html="<p>Por favor <b>reinicie</b> el equipo.</p>",
    )
    assert message_email_send.call(reply.pk) == "sent"
    sent = [message_from_bytes(raw, policy=policy.default) for raw in smtp.wait(1)]
    ours = next(m for m in sent if "reinicie" in m.get_body(("plain",)).get_content())
    reply.refresh_from_db()
    assert ours["Message-ID"] == reply.email_message_id
    assert ours["In-Reply-To"] and "<t1@cliente.test>" in ours["References"]
    assert f"[{ticket.reference}]" in ours["Subject"]
    assert ours.get_content_type() == "multipart/alternative"
    assert reply.delivery_status == DeliveryStatus.SENT
    # The customer answers our mail; the answer threads back to the ticket.
    dovecot.append(
        user,
        mail(
            subject="Re: " + str(ours["Subject"]),
            text="Ya funciona",
            in_reply_to=reply.email_message_id,
            references=f"<t1@cliente.test> {reply.email_message_id}",
            message_id="<t3@cliente.test>",
        ),
    )
    assert dict(fetch_once(url_target(url)).counts) == {"appended": 1}
    assert ticket.messages.filter(author_kind="customer").count() == 2


def test_smtp_down_then_up_delivers_once(queues, agent, smtp, settings):
    from mailin.services import MailSource, email_receive

    email_receive(mail(message_id="<u1@c.test>"), MailSource("t", None, "technical"))
    ticket = Ticket.objects.get()
    reply = ticket_reply(ticket, author=agent, text="Respuesta importante")
    up_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: SMTP is down
    assert message_email_send.call(reply.pk) == "retry"
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.PENDING and reply.delivery_attempts == 1
    assert reply.delivery_error
    settings.EMAIL_PORT = up_port
    assert message_email_send.call(reply.pk) == "sent"
    assert message_email_send.call(reply.pk) == "already-sent"
    received = [raw for raw in smtp.wait(1) if b"Respuesta importante" in raw]
    assert len(received) == 1
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT and reply.delivery_attempts == 2


@pytest.mark.django_db(transaction=True)
def test_run_polls_when_idle_is_off_and_second_reader_waits(dovecot, imap_user, queues):
    user, url = imap_user
    stop = threading.Event()
    first = threading.Thread(
        target=run_forever,
        args=(url_target(url), stop),
        kwargs={"use_idle": False, "poll_interval": 0.3},
        daemon=True,
    )
    second_reports: list = []
    second = threading.Thread(
        target=run_forever,
        args=(url_target(url), stop),
        kwargs={"use_idle": False, "poll_interval": 0.3, "on_report": second_reports.append},
        daemon=True,
    )
    first.start()
    time.sleep(0.5)
    second.start()
    try:
        dovecot.append(user, mail(message_id="<p1@c.test>"))
        assert wait_for(lambda: Ticket.objects.count() == 1)
        time.sleep(1.0)
        assert second_reports == []  # the second reader is still waiting for the lock
    finally:
        stop.set()
        first.join(15)
        second.join(15)
    assert not first.is_alive() and not second.is_alive()


def test_stored_mailbox_moves_processed_mail_and_uses_default_queue(dovecot, imap_user, queues):
    from mailin.models import Mailbox
    from mailin.reader import fetch_once, targets_active

    user, url = imap_user
    Mailbox.objects.create(
        name="Facturación",
        url=url,
        default_queue=queues["billing"],
        processed_action="move",
        processed_folder="Procesados",
    )
    Mailbox.objects.create(name="Apagado", url=url.replace("INBOX", "Otra"), active=False)
    dovecot.append(
        user, mail(message_id="<mv1@c.test>", subject="Consulta", text="Hola, tengo una consulta.")
    )
    targets = targets_active()
    assert [t.config.folder for t in targets] == ["INBOX"]
    assert targets[0].source.default_queue == "billing"
    assert dict(fetch_once(targets[0]).counts) == {"created": 1}
    client = dovecot.client(user)
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert client.select_folder("Procesados")[b"EXISTS"] == 1
    client.logout()


@pytest.mark.django_db(transaction=True)
def test_worker_retries_while_smtp_is_down_and_delivers_once_when_back(
    queues, agent, smtp, settings
):
    """The real job worker (`db_worker --batch`): the send job survives SMTP downtime."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mailin.services import MailSource, email_receive

    settings.MAILIN_ACK_LIMIT = 0  # only the agent's reply goes out in this test
    email_receive(mail(message_id="<w1@c.test>"), MailSource("t", None, "technical"))
    ticket = Ticket.objects.get()
    reply = ticket_reply(ticket, author=agent, text="Respuesta por el worker")
    up_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # SMTP down
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.PENDING and reply.delivery_attempts == 1
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 1 and waiting.get().run_after > timezone.now()
    settings.EMAIL_PORT = up_port  # SMTP back; let the backoff elapse
    waiting.update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    assert len([raw for raw in smtp.wait(1) if b"Respuesta por el worker" in raw]) == 1
