"""`mailin fetch --once --workers N` against a real Dovecot (PostgreSQL: worker processes write
at the same time, each in its own transaction)."""

from __future__ import annotations

import pytest
from django.db import connection

from helpdesk.models import Message, Ticket
from mailin.models import MailboxCursor
from mailin.reader import fetch_once, url_target
from tests.mailin.mails import mail
from tests.mailin.test_imap import seen_uids

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_workers_store_every_message_once_and_replies_after_their_originals(
    dovecot, imap_user, queues
):
    if connection.vendor != "postgresql":
        pytest.skip("several writing processes need PostgreSQL")
    user, url = imap_user
    originals = [
        mail(sender=f"Cliente {i} <c{i}@c.test>", subject=f"Caso {i}", message_id=f"<o{i}@c.test>")
        for i in range(150)
    ]
    # Answers from other people (in copy), each naming an original of an earlier batch.
    answers = [
        mail(
            sender=f"Colega {i} <k{i}@c.test>",
            subject=f"Re: Caso {i}",
            in_reply_to=f"<o{i}@c.test>",
            message_id=f"<r{i}@c.test>",
        )
        for i in range(100)
    ]
    dovecot.append(user, *originals, *answers)
    report = fetch_once(url_target(url, "technical"), workers=2)
    assert dict(report.counts) == {"created": 150, "appended": 100}
    assert Ticket.objects.count() == 150
    for i in (0, 49, 50, 99):
        ticket = Message.objects.get(email_message_id=f"<o{i}@c.test>").ticket
        answer = Message.objects.get(email_message_id=f"<r{i}@c.test>")
        assert answer.ticket_id == ticket.pk and answer.seq == 3  # after the acknowledgement
    assert Message.objects.filter(author_kind="customer").count() == 250
    assert seen_uids(dovecot, user) == set(range(1, 251))
    assert MailboxCursor.objects.get().last_uid == 250
    assert dict(fetch_once(url_target(url), workers=2).counts) == {}  # nothing re-read


def test_workers_keep_each_senders_mail_in_order_when_batches_are_not_uid_runs(
    dovecot, imap_user, queues, monkeypatch
):
    """Three busy senders among one-off senders: each chunk is cut into independent batches
    (not runs of consecutive UIDs), yet every follow-up joins its sender's ticket in order, and
    the cursor covers only what every lower UID has done too."""
    if connection.vendor != "postgresql":
        pytest.skip("several writing processes need PostgreSQL")
    import mailin.reader as reader

    monkeypatch.setattr(reader, "TX_BATCH", 4)
    monkeypatch.setattr(reader, "FETCH_BATCH", 20)  # a chunk holds two mails per busy sender
    user, url = imap_user
    messages = []
    for i in range(36):
        if i % 3 == 0:  # busy senders b0, b1, b2 write again and again on one subject
            who = (i // 3) % 3
            subject = f"Caso {who}" if i < 9 else f"RE: Caso {who}"
            messages.append(
                mail(sender=f"b{who}@c.test", subject=subject, message_id=f"<b{i}@c.test>")
            )
        else:
            messages.append(
                mail(sender=f"u{i}@c.test", subject=f"Tema {i}", message_id=f"<u{i}@c.test>")
            )
    dovecot.append(user, *messages)
    report = fetch_once(url_target(url, "technical"), workers=2)
    assert dict(report.counts) == {"created": 27, "appended": 9}
    for who in range(3):
        ids = [f"<b{i}@c.test>" for i in range(36) if i % 3 == 0 and (i // 3) % 3 == who]
        ticket = Message.objects.get(email_message_id=ids[0]).ticket
        stored = ticket.messages.filter(author_kind="customer").order_by("seq")
        assert list(stored.values_list("email_message_id", flat=True)) == ids
    assert seen_uids(dovecot, user) == set(range(1, 37))
    assert MailboxCursor.objects.get().last_uid == 36
    assert dict(fetch_once(url_target(url), workers=2).counts) == {}
