"""Batches of mail as the reader hands them over: new tickets opened together, messages that
depend on each other inside one batch, and a bad message that must fail alone."""

from __future__ import annotations

import pytest

from helpdesk.models import Message, Ticket
from mailin.models import QuarantinedEmail
from mailin.parallel import batch_keys, batches_independent, depends
from mailin.services import MailSource, emails_receive
from tests.mailin.mails import mail

pytestmark = [pytest.mark.core, pytest.mark.django_db]
SOURCE = MailSource(key="test", default_queue="technical")


def test_messages_answering_the_same_batch_join_the_tickets_it_opens(queues):
    batch = [
        (1, mail(sender="Ana <ana@c.test>", message_id="<a1@c.test>", subject="Sin señal")),
        (2, mail(sender="Beto <beto@c.test>", message_id="<b1@c.test>", subject="Recarga")),
        # A colleague in copy answers Ana's message: In-Reply-To names it.
        (
            3,
            mail(
                sender="Carla <carla@c.test>",
                subject="Re: Sin señal",
                in_reply_to="<a1@c.test>",
                message_id="<c1@c.test>",
            ),
        ),
        # Ana again, same subject: joins by sender and subject.
        (4, mail(sender="Ana <ana@c.test>", subject="RE: Sin señal", message_id="<a2@c.test>")),
        # The first message delivered twice.
        (5, mail(sender="Ana <ana@c.test>", message_id="<a1@c.test>", subject="Sin señal")),
    ]
    outcomes = emails_receive(batch, SOURCE)
    assert [o.kind for o in outcomes] == ["created", "created", "appended", "appended", "duplicate"]
    ana = Ticket.objects.get(reference=outcomes[0].ticket_reference)
    assert {o.ticket_reference for o in outcomes[2:]} == {ana.reference}
    assert (outcomes[2].detail, outcomes[3].detail) == ("message-id", "subject")
    assert Ticket.objects.count() == 2
    # Opening message, acknowledgement, then the two answers: one timeline, no gaps.
    assert list(ana.messages.order_by("seq").values_list("seq", "author_kind")) == [
        (1, "customer"),
        (2, "system"),
        (3, "customer"),
        (4, "customer"),
    ]
    assert Message.objects.filter(automatic=True).count() == 2  # one per new ticket


def test_a_bad_message_fails_alone_and_the_rest_of_the_batch_goes_in(queues):
    no_sender = b"Subject: sin remitente\r\nMessage-ID: <g2@c.test>\r\n\r\nHola\r\n"
    batch = [
        (1, mail(sender="Uno <uno@c.test>", message_id="<g1@c.test>", subject="Caso uno")),
        (2, no_sender),
        (3, mail(sender="Tres <tres@c.test>", message_id="<g3@c.test>", subject="Caso tres")),
    ]
    outcomes = emails_receive(batch, SOURCE)
    assert [o.kind for o in outcomes] == ["created", "quarantined", "created"]
    assert "remitente" in outcomes[1].detail
    held = QuarantinedEmail.objects.get()
    assert (held.kind, held.uid, bytes(held.raw)) == ("processing_error", 2, no_sender)
    # Retried one by one after the batch failed: nothing lost, nothing stored twice.
    assert Ticket.objects.count() == 2
    assert sorted(
        Message.objects.filter(author_kind="customer").values_list("email_message_id", flat=True)
    ) == ["<g1@c.test>", "<g3@c.test>"]


def test_batch_keys_and_dependencies_are_read_from_headers_only():
    first = batch_keys([(1, mail(sender="Ana <ANA@c.test>", message_id="<a@c.test>"))])
    assert first.senders == {"ana@c.test"} and first.message_ids == {"<a@c.test>"}
    answer = batch_keys(
        [(2, mail(sender="Beto <b@c.test>", in_reply_to="<a@c.test>", message_id="<b@c.test>"))]
    )
    other = batch_keys([(3, mail(sender="Carla <c@c.test>", message_id="<c@c.test>"))])
    same_sender = batch_keys([(4, mail(sender="ana@c.test", message_id="<d@c.test>"))])
    assert depends(answer, [first]) and depends(same_sender, [first])
    assert not depends(other, [first, answer])
    broken = batch_keys([(5, b"\xff\xfe not an email at all")])  # tolerated: no keys
    assert not depends(broken, [first])
    # A From without an address: the intake keys on Sender, and so do the batch keys.
    on_behalf = b"From: Soporte interno\r\nSender: ANA@c.test\r\nSubject: x\r\n\r\nHola\r\n"
    assert batch_keys([(6, on_behalf)]).senders == {"ana@c.test"}
    assert depends(batch_keys([(6, on_behalf)]), [first])


def test_a_window_is_cut_into_batches_that_keep_dependent_mail_together_in_order():
    window = [
        (1, mail(sender="Ana <ana@c.test>", message_id="<a1@c.test>", subject="Caso A")),
        (2, mail(sender="Beto <beto@c.test>", message_id="<b1@c.test>", subject="Caso B")),
        (3, mail(sender="ana@c.test", message_id="<a2@c.test>", subject="Re: Caso A")),
        # Carla answers Beto's message: joins his group although her address is new.
        (4, mail(sender="Carla <c@c.test>", message_id="<c1@c.test>", in_reply_to="<b1@c.test>")),
        (5, mail(sender="Dora <d@c.test>", message_id="<d1@c.test>", subject="Caso D")),
        (6, mail(sender="Eva <e@c.test>", message_id="<e1@c.test>", subject="Caso E")),
    ]
    pairs = batches_independent(window, 2)
    assert [[uid for uid, _raw in batch] for batch, _keys in pairs] == [[1, 3], [2, 4], [5, 6]]
    whole = batches_independent(window, 6)
    assert [[uid for uid, _raw in batch] for batch, _keys in whole] == [[1, 3, 2, 4, 5, 6]]
    keys = [k for _batch, k in pairs]
    assert keys[0].senders == {"ana@c.test"} and keys[1].answers == {"<b1@c.test>"}
    assert not any(depends(keys[i], [keys[j]]) for i in range(3) for j in range(3) if i != j)
    # A group longer than the room left in a batch straddles two: those two depend.
    pairs = batches_independent(window, 3)
    assert [[uid for uid, _raw in batch] for batch, _keys in pairs] == [[1, 3, 2], [4, 5, 6]]
    assert depends(pairs[1][1], [pairs[0][1]])


def test_first_and_last_chunks_are_cut_for_every_batch_in_flight():
    from mailin.reader import TX_BATCH, parallel_batch_size

    assert parallel_batch_size(100, 0, 1000, 4) == 25  # first: every worker starts at once
    assert parallel_batch_size(200, 100, 1000, 4) == TX_BATCH
    assert parallel_batch_size(100, 900, 1000, 4) == 25  # last: no long batch alone at the end
    assert parallel_batch_size(3, 0, 3, 4) == 1
    assert parallel_batch_size(1000, 0, 1000, 4) == TX_BATCH  # never above TX_BATCH


def test_runs_put_each_message_one_run_after_what_it_depends_on():
    from mailin.parsing import ParsedEmail, email_parse
    from mailin.services import runs_independent

    raws = [
        mail(sender="ana@c.test", message_id="<a1@c.test>", subject="Caso A"),  # 0
        mail(sender="ana@c.test", message_id="<a2@c.test>", subject="Re: Caso A"),  # 1: Ana again
        mail(sender="beto@c.test", message_id="<b1@c.test>", subject="Caso B"),  # 2
        mail(sender="c@c.test", message_id="<c1@c.test>", in_reply_to="<a2@c.test>"),  # 3
        mail(sender="d@c.test", message_id="<d1@c.test>", subject="Caso D"),  # 4
        mail(sender="e@c.test", message_id="<a1@c.test>", subject="Copia"),  # 5: same id as 0
        mail(sender="ana@c.test", message_id="<a3@c.test>", subject="Re: Caso A"),  # 6
    ]
    mails = [email_parse(raw) for raw in raws]
    assert all(isinstance(m, ParsedEmail) for m in mails)
    ids = [m.message_id for m in mails]  # type: ignore[union-attr]
    runs = runs_independent(mails, ids)  # type: ignore[arg-type]
    # Independent mail shares the first run whatever lies between; chains go one run further.
    assert runs == [[0, 2, 4], [1, 5], [3, 6]]


KEY_BLOCKS = [
    b"From: Ana <ana@c.test>\r\nSubject: x\r\nMessage-ID: <a1@c.test>\r\n",
    b"from: ana@c.test\nMESSAGE-ID:<a2@c.test>\nIn-Reply-To:  \t<o1@c.test>\n",
    b"From: Ana\r\n <ana@c.test>\r\nReferences: <o1@c.test>\r\n\t<o2@c.test>\r\n <o3@c.test>\r\n",
    b"From: a@c.test\nFrom: b@c.test\nSender: s@c.test\nReferences: <r1@c>\nReferences: <r2@c>\n",
    b"X-Empty:\nMessage-ID:\nMessage-ID: <second@c.test>\nFrom: a@c.test\n",
    b"Received: from x by y;\r\n\tSun, 22 Nov 2026 10:00:00 +0000\r\nFrom: a@c.test\r\n",
]
# Not plain: left to the email parser (8-bit bytes, a bare CR, an mbox line, a continuation
# first, a line that is not a field).
UNUSUAL_BLOCKS = [
    b"From: Jos\xc3\xa9 <jose@c.test>\n",
    b"From: a@c.test\rMessage-ID: <m@c>\n",
    b"From a@c.test Sun Nov 22 10:00:00 2026\nFrom: a@c.test\n",
    b" folded first\nFrom: a@c.test\n",
    b"From: a@c.test\nthis is not a header\n",
]


def _keys_by_parser(block: bytes) -> dict[str, list[str]]:
    from mailin.parallel import _HEADERS, _KEY_HEADERS

    headers = _HEADERS.parsebytes(block, headersonly=True)
    found = {key: [str(v) for v in headers.get_all(key) or []] for key in _KEY_HEADERS}
    return {key: values for key, values in found.items() if values}


@pytest.mark.core
@pytest.mark.parametrize("block", KEY_BLOCKS)
def test_plain_header_blocks_are_read_as_the_email_parser_reads_them(block):
    from mailin.parallel import _key_headers_plain

    assert _key_headers_plain(block) == _keys_by_parser(block)


@pytest.mark.core
@pytest.mark.parametrize("block", UNUSUAL_BLOCKS)
def test_unusual_header_blocks_are_left_to_the_email_parser(block):
    from mailin.parallel import _key_headers_plain, message_keys

    assert _key_headers_plain(block) is None
    assert message_keys(block + b"\nbody\n").senders  # still read, by the parser


@pytest.mark.core
def test_keys_of_a_folded_reply_name_every_message_it_answers():
    from mailin.parallel import message_keys

    keys = message_keys(KEY_BLOCKS[2] + b"\r\nbody\r\n")
    assert keys.senders == frozenset({"ana@c.test"})
    assert keys.answers == frozenset({"<o1@c.test>", "<o2@c.test>", "<o3@c.test>"})
    keys = message_keys(KEY_BLOCKS[4] + b"\nbody\n")
    assert keys.message_ids == frozenset()  # the first Message-ID counts, and it is empty
