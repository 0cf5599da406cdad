"""A plain single-part message read without the feed parser is the parser's own Message."""

from __future__ import annotations

import random
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

import pytest

import mailin.parsing as parsing
from mailin.plainmessage import message_plain
from tests.mailin.mails import mail
from tests.mailin.test_batches import KEY_BLOCKS, UNUSUAL_BLOCKS
from tests.mailin.test_fixtures import all_emails

pytestmark = pytest.mark.core


def _state(message: Message) -> tuple:
    return (
        message._headers,
        message._payload,
        [type(defect) for defect in message.defects],
        message._unixfrom,
        message.preamble,
        message.epilogue,
        message._default_type,
        message._charset,
        type(message),
    )


def _same_as_parser(raw: bytes) -> bool:
    """True when `message_plain` read `raw` (and then exactly as the parser does)."""
    built = message_plain(raw)
    if built is None:
        return False
    assert _state(built) == _state(message_from_bytes(raw, policy=compat32)), raw[:300]
    return True


def _variants(raw: bytes, rng: random.Random) -> list[bytes]:
    out = [raw, raw.replace(b"\r\n", b"\n"), raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")]
    for _ in range(6):  # a few bytes of the header block changed to what parsers trip on
        head = bytearray(raw[:3000])
        for _ in range(3):
            if head:
                head[rng.randrange(len(head))] = rng.choice(b" \t\r\n:Fx\x80")
        out.append(bytes(head) + raw[3000:])
    return out


def test_every_fixture_and_its_mutations_read_without_the_parser_equal_the_parser():
    rng = random.Random(4)
    read = 0
    for path in all_emails():
        for raw in _variants(path.read_bytes(), rng):
            read += _same_as_parser(raw)
    assert read > 150  # plain single-part mail is common among the fixtures too


@pytest.mark.parametrize("block", KEY_BLOCKS)
@pytest.mark.parametrize("blank", [b"\n", b"\r\n"])
def test_plain_blocks_with_any_body_equal_the_parser(block, blank):
    for body in (b"", b"Hola\n", b"caf\xc3\xa9\r\n\r\n-- \r\nAna\r\n", b"\n\nFrom x\n", b"a\rb"):
        assert _same_as_parser(block + blank + body)


@pytest.mark.parametrize(
    "raw",
    [
        *(block + b"\nbody\n" for block in UNUSUAL_BLOCKS),
        b"From: a@c.test\nSubject: no empty line after the fields\n",
        b"\nFrom: a@c.test\n\nbody\n",  # an empty first line
        b":no name\nFrom: a@c.test\n\nbody\n",
        b"From: a@c.test\r\n\rX-Late: 1\r\n\r\nbody\r\n",  # a bare CR where the block ends
        b"From: a@c.test\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n",
        b"From: a@c.test\nContent-Type: Message/RFC822\n\nFrom: b@c.test\n\ninner\n",
        b"From: a@c.test\nContent-Type: message/delivery-status\n\nStatus: 5.0.0\n",
    ],
)
def test_anything_else_is_left_to_the_parser(raw):
    assert message_plain(raw) is None


def test_odd_but_plain_single_part_shapes_equal_the_parser():
    for raw in [
        b"From: a@c.test\nContent-Type: textplain\n\nno slash: text/plain\n",
        b'From: a@c.test\nContent-Type: text/html; charset="utf-8"\n\n<p>x</p>\n',
        b"From: a@c.test\nContent-Transfer-Encoding: base64\n\nSG9sYQ==\n",
        b"X-A:\t \n\tfolded\nFrom:a@c.test\n\n\n",
        b"From: a@c.test\nX-Ctl: a\x00b\x7f\n\nbody",
    ]:
        assert _same_as_parser(raw)


def test_email_parse_gives_the_same_result_with_or_without_the_plain_reading(monkeypatch):
    raws = [path.read_bytes() for path in all_emails()]
    raws += [
        mail(),
        mail(text="Hola\n\n> citado\n\n-- \nAna", in_reply_to="<o@c.test>", references="<o@c>"),
        mail(headers={"Auto-Submitted": "auto-replied"}, subject="Fuera de la oficina"),
        mail(headers={"List-Id": "<lista.c.test>"}, sender="Lista <lista@c.test>"),
        mail(text="Texto con acentos: señal, año, ¿qué?"),
    ]
    fast = [parsing.email_parse(raw) for raw in raws]
    monkeypatch.setattr(parsing, "message_plain", lambda raw: None)
    assert fast == [parsing.email_parse(raw) for raw in raws]
