"""Reading a backlog ahead on a second connection (`mailin.prefetch`) while the reader processes:
the read-ahead connection cannot change flags, and a message is still flagged only after its
batch committed."""

from __future__ import annotations

import pytest

import mailin.reader as reader
from helpdesk.models import Ticket
from mailin.imap import ImapSession, uid_set
from mailin.models import MailboxCursor
from mailin.prefetch import Prefetch, UidValidityChanged
from mailin.reader import fetch_once, url_target
from tests.mailin.mails import mail
from tests.mailin.test_imap import seen_uids

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def _mails(count: int) -> list[bytes]:
    return [
        mail(sender=f"C{i} <c{i}@c.test>", subject=f"Caso {i}", message_id=f"<f{i}@c.test>")
        for i in range(1, count + 1)
    ]


def test_uid_set_collapses_runs_and_names_only_the_uids_given():
    assert uid_set([9, 1, 2, 3, 7, 10, 2]) == "1:3,7,9:10"
    assert uid_set([5]) == "5"
    assert uid_set([]) == ""


def test_read_ahead_connection_is_read_only_and_yields_every_message_in_order(dovecot, imap_user):
    user, url = imap_user
    dovecot.append(user, *_mails(7))
    target = url_target(url)
    main = ImapSession(target.config)
    with Prefetch(target.config, main.uidvalidity, [1, 2, 3, 4, 5, 6, 7], chunk=3) as ahead:
        chunks = list(ahead)
    assert [[uid for uid, _raw in chunk] for chunk in chunks] == [[1, 2, 3], [4, 5, 6], [7]]
    assert all(b"Message-ID: <f%d@c.test>" % uid in raw for chunk in chunks for uid, raw in chunk)
    assert not ahead._thread.is_alive()
    examined = ImapSession(target.config, readonly=True)
    examined.client.add_flags([1], [b"\\Seen"])  # EXAMINE: the server ignores (or refuses) it
    examined.close()
    main.close()
    assert seen_uids(dovecot, user) == set()


def test_read_ahead_refuses_a_folder_whose_uidvalidity_changed(dovecot, imap_user):
    user, url = imap_user
    dovecot.append(user, *_mails(2))
    config = url_target(url).config
    main = ImapSession(config)
    with Prefetch(config, main.uidvalidity + 1, [1, 2]) as ahead, pytest.raises(UidValidityChanged):
        list(ahead)
    main.close()


def test_crash_mid_backlog_flags_only_committed_batches_then_resumes(
    dovecot, imap_user, queues, monkeypatch
):
    user, url = imap_user
    dovecot.append(user, *_mails(10))
    monkeypatch.setattr(reader, "TX_BATCH", 2)
    monkeypatch.setattr(reader, "FETCH_BATCH", 3)  # 10 messages: read ahead in chunks of 3
    calls = []
    receive = reader.emails_receive

    def crash_on_second_batch(batch, source):
        calls.append([uid for uid, _raw in batch])
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies while later chunks are already fetched
        return receive(batch, source)

    monkeypatch.setattr(reader, "emails_receive", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        fetch_once(url_target(url, "technical"))
    assert calls == [[1, 2], [3, 4]]
    assert Ticket.objects.count() == 2
    assert seen_uids(dovecot, user) == {1, 2}  # what was read ahead stays unflagged
    assert MailboxCursor.objects.get().last_uid == 2

    monkeypatch.setattr(reader, "emails_receive", receive)
    report = fetch_once(url_target(url, "technical"))
    assert dict(report.counts) == {"created": 8}  # 3..10, none twice
    assert Ticket.objects.count() == 10
    assert seen_uids(dovecot, user) == set(range(1, 11))
    assert MailboxCursor.objects.get().last_uid == 10
