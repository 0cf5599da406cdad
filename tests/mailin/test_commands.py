"""`manage.py mailin parse|fetch` as scripts use them, and the one-reader-per-mailbox lock."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from helpdesk.models import Ticket
from mailin.locks import ReaderLock
from tests.mailin.mails import mail

pytestmark = pytest.mark.core


def test_parse_json_lines_in_order_with_error_line_and_exit_status(tmp_path):
    good = tmp_path / "bueno.eml"
    good.write_bytes(
        mail(
            subject="Re: [T-7K3Q9D] Sin señal",
            in_reply_to="<x@c.test>",
            attachments=[("a.pdf", "application/pdf", b"%PDF-1.4 demo")],
        )
    )
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "mailin",
            "parse",
            str(good),
            str(tmp_path / "falta.eml"),
            str(good),
            "--json",
            stdout=out,
        )
    assert exited.value.code == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["file"] for line in lines] == [str(good), str(tmp_path / "falta.eml"), str(good)]
    first = lines[0]
    assert set(first) == {
        "file",
        "message_id",
        "from",
        "to",
        "subject",
        "date",
        "text",
        "attachments",
        "auto_reply",
        "bounce",
        "in_reply_to",
        "references",
        "ticket_ref",
    }
    assert first["from"] == "ana@cliente.test" and first["ticket_ref"] == "T-7K3Q9D"
    assert first["attachments"] == [
        {"filename": "a.pdf", "content_type": "application/pdf", "size": 13}
    ]
    assert first["in_reply_to"] == "<x@c.test>" and first["auto_reply"] is False
    assert set(lines[1]) == {"file", "error"}


def test_parse_all_good_exits_zero(tmp_path):
    good = tmp_path / "bueno.eml"
    good.write_bytes(mail())
    out = StringIO()
    call_command("mailin", "parse", str(good), "--json", stdout=out)
    assert json.loads(out.getvalue())["subject"] == "Sin señal desde ayer"


@pytest.mark.django_db
def test_fetch_once_command_with_mailbox_url(dovecot, imap_user, queues):
    user, url = imap_user
    dovecot.append(user, mail(message_id="<cmd1@c.test>"))
    out = StringIO()
    call_command("mailin", "fetch", "--once", "--mailbox", url, stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    assert Ticket.objects.get().queue.slug in ("technical", "billing", "sales")


@pytest.mark.django_db
def test_second_reader_waits_for_the_lock():
    first, second = ReaderLock("box@host/INBOX"), ReaderLock("box@host/INBOX")
    assert first.try_acquire()
    assert not second.try_acquire()
    assert not second.acquire(wait=0.3, poll=0.1)
    assert first.renew()
    first.release()
    assert second.acquire(wait=1, poll=0.1)
    second.release()
