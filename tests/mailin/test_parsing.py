"""Pure parsing, quote splitting, detection and matching, with plain values."""

from __future__ import annotations

import pytest

from mailin.matching import RecentTicket, ThreadKeys, subject_normalize, thread_choose
from mailin.parsing import ParsedEmail, ParseFailure, email_parse
from mailin.quotes import reply_split
from tests.mailin.mails import mail

pytestmark = pytest.mark.core


def parsed(raw: bytes) -> ParsedEmail:
    result = email_parse(raw)
    assert isinstance(result, ParsedEmail)
    return result


def test_mixed_charset_encoded_words_and_ticket_reference():
    raw = (
        b"From: =?iso-8859-1?Q?Jos=E9?= <JOSE@Cliente.test>\r\n"
        b"To: soporte@helpdesk.example\r\n"
        b"Subject: =?utf-8?B?UmU6IFtULTdLM1E5RF0gU2luIHNl?= =?iso-8859-1?Q?=F1al?=\r\n"
        b"Date: not a date\r\nMessage-ID: <a@b>\r\n\r\nHola\r\n"
    )
    result = parsed(raw)
    assert result.subject == "Re: [T-7K3Q9D] Sin señal"
    assert result.sender == "jose@cliente.test" and result.sender_name == "José"
    assert result.date is None
    assert result.ticket_ref == "T-7K3Q9D"
    assert result.message_id == "<a@b>"


def test_wrong_charset_falls_back_without_losing_text():
    raw = (
        "From: a@b.test\r\nSubject: x\r\nContent-Type: text/plain; charset=bogus-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nCañón ñandú"
    ).encode()
    assert parsed(raw).text == "Cañón ñandú"
    latin = b"From: a@b.test\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\nse\xf1al"
    assert parsed(latin).text == "señal"


def test_html_only_gives_text_and_sanitised_html():
    raw = (
        b"From: a@b.test\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hola <b>equipo</b></p><script>alert(1)</script>"
    )
    result = parsed(raw)
    assert "Hola equipo" in result.text
    assert "<script>" not in result.html and "alert" not in result.html
    assert "<b>equipo</b>" in result.html


def test_attachments_names_types_sizes_and_attached_eml():
    inner = mail(subject="Factura octubre", text="adjunta")
    raw = mail(
        attachments=[
            ("captura señal.png", "image/png", b"\x89PNG" + b"0" * 96),
            ("reenviado.eml", "message/rfc822", inner),
        ]
    )
    result = parsed(raw)
    names = [(a.filename, a.content_type) for a in result.attachments]
    assert names[0] == ("captura señal.png", "image/png")
    assert result.attachments[0].size == 100
    assert names[1][1] == "message/rfc822" and names[1][0].endswith(".eml")


def test_not_an_email_is_a_failure_object():
    assert isinstance(email_parse(b"\x00\x01\x02 binary"), ParseFailure)
    assert isinstance(email_parse(b""), ParseFailure)


def test_auto_reply_headers_and_subjects():
    assert parsed(mail(headers={"Auto-Submitted": "auto-replied"})).auto_reply
    assert parsed(mail(headers={"Precedence": "bulk"})).auto_reply
    assert parsed(mail(headers={"X-Autoreply": "yes"})).auto_reply
    assert parsed(mail(subject="Respuesta automática: Sin señal")).auto_reply
    assert parsed(mail(subject="Fuera de la oficina")).auto_reply
    assert parsed(mail(subject="Out of Office: hello")).auto_reply
    assert not parsed(mail(headers={"Auto-Submitted": "no"})).auto_reply
    assert parsed(mail(headers={"List-Id": "<x.lists.test>"})).mailing_list


def test_spanish_outlook_and_gmail_quotes_and_iphone_signature():
    outlook = (
        "Ya reinicié el equipo.\n\n________________________________\n"
        "De: Soporte <soporte@helpdesk.example>\nEnviado: lunes, 3 de marzo\n"
        "Para: Ana\nAsunto: RE: Sin señal\n\nTexto anterior"
    )
    assert reply_split(outlook).new == "Ya reinicié el equipo."
    gmail = (
        "Sigue igual.\n\nEl lun, 3 mar 2025 a las 10:00, Soporte (<s@h.example>)\n"
        "escribió:\n> Texto anterior\n"
    )
    split = reply_split(gmail)
    assert split.new == "Sigue igual." and split.quoted.startswith("El lun")
    iphone = "Gracias, ya funciona.\n\nEnviado desde mi iPhone"
    split = reply_split(iphone)
    assert split.new == "Gracias, ya funciona." and split.signature == "Enviado desde mi iPhone"
    assert reply_split("> solo cita\n").new == "> solo cita"  # never lose the only text


def test_subject_normalisation_and_matching_order():
    assert subject_normalize("RE: RV: Fwd: Re[2]: AW: WG: [T-7K3Q9D] Sin señal") == "sin señal"
    assert subject_normalize("RV: Sin  Señal") == "sin señal"
    keys = ThreadKeys(("<b@x>", "<a@x>"), "T-7K3Q9D", "ana@c.test", "sin señal")
    assert thread_choose(keys, {"<a@x>": 1, "<b@x>": 2}, 3).ticket_id == 2
    assert thread_choose(keys, {}, 3).how == "reference"
    keys = ThreadKeys((), None, "ana@c.test", "sin señal")
    match = thread_choose(keys, {}, None, [RecentTicket(9, "otra"), RecentTicket(7, "sin señal")])
    assert (match.ticket_id, match.how) == (7, "subject")
    assert thread_choose(keys, {}, None, []).ticket_id is None


def test_dsn_bounce_names_the_original_message():
    raw = (
        b"From: MAILER-DAEMON@mx.test\r\nTo: soporte@helpdesk.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n"
        b"\r\nFinal-Recipient: rfc822; ana@cliente.test\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <T-7K3Q9D.ab@helpdesk"
        b".example>\r\nSubject: [T-7K3Q9D] Sin senal\r\n--B--\r\n"
    )
    bounce = parsed(raw).bounce
    assert bounce is not None and bounce.permanent
    assert (bounce.status, bounce.recipient) == ("5.1.1", "ana@cliente.test")
    assert bounce.original_message_id == "<T-7K3Q9D.ab@helpdesk.example>"
    assert not parsed(raw).auto_reply


def test_simple_address_fast_path_agrees_with_getaddresses():
    """The fast path for common From/To shapes gives exactly what the general parser gives;
    anything it does not recognise goes to the general parser."""
    import random
    from email.utils import getaddresses

    from mailin.mimeheaders import _simple_address, addresses_parse

    shapes = {
        "Ana Pérez <Ana.Perez@Cliente.test>": ("Ana Pérez", "Ana.Perez@Cliente.test"),
        '"Pérez,  Ana" <ana@c.test>': ("Pérez,  Ana", "ana@c.test"),
        "Ana P.  Pérez\t<ana@c.test> ": ("Ana P. Pérez", "ana@c.test"),
        "=?utf-8?q?Ana_P=C3=A9rez?= <ana@c.test>": ("=?utf-8?q?Ana_P=C3=A9rez?=", "ana@c.test"),
        "<ana@c.test>": ("", "ana@c.test"),
        "  ana+x@c-d.test": ("", "ana+x@c-d.test"),
    }
    for value, expected in shapes.items():
        assert _simple_address(value) == expected
        assert getaddresses([value]) == [expected]
    for value in ('"Ana" Pérez <a@c.test>', "a@c.test, b@c.test", "Ana (x) <a@c.test>", "a@b."):
        assert _simple_address(value) is None
    decoded = addresses_parse("=?utf-8?q?Ana_P=C3=A9rez?= <Ana@C.test>")
    assert decoded == (("Ana Pérez", "ana@c.test"),)
    pieces = ['"', "<", ">", "@", "a", "b.c", " ", "\t", ".", ",", "(", ")", ";", ":", "\\", "é"]
    pieces += ["Ana", "ana@c.test", "<ana@c.test>", "=?utf-8?q?A?=", "[", "]", "\xa0", "'"]
    rng = random.Random(4)
    checked = 0
    for _ in range(60_000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
        simple = _simple_address(value)
        if simple is not None:
            checked += 1
            assert getaddresses([value]) == [simple], value
    assert checked > 1000


def test_boundary_matcher_matches_like_the_feedparser_pattern():
    import re

    from mailin.boundaries import BoundaryMatcher, boundary_pattern_compile

    for boundary in ("===============83509716==", "b1_x(y)+z?.*", "a b", "--", "\\d"):
        separator = "--" + boundary
        # Exactly the pattern email.feedparser builds for a boundary.
        pattern = (
            "(?P<sep>"
            + re.escape(separator)
            + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
        )
        matcher = boundary_pattern_compile(pattern)
        assert isinstance(matcher, BoundaryMatcher) and matcher.separator == separator
        original = re.compile(pattern)
        tails = ["", "--", " \t", "--  ", "\r\n", "\n", "\r", "--\r\n", " \n", "x", "--x", "\n\n"]
        lines = [separator + tail for tail in tails] + ["-" + separator, boundary, ""]
        lines += [separator[:-1], "text " + separator, separator + "-"]
        for line in lines:
            expected = original.match(line)
            got = matcher.match(line)
            assert bool(got) == bool(expected), (boundary, line)
            if expected:
                assert got is not None
                assert (got.group("end"), got.group("linesep")) == (
                    expected.group("end"),
                    expected.group("linesep"),
                )
    other = boundary_pattern_compile(r"(\r\n|\r|\n)")
    assert isinstance(other, re.Pattern)  # any other pattern is compiled as usual


def test_file_names_in_any_case_and_rfc2231_continuations_are_found():
    raw = (
        b"From: ana@cliente.test\r\nTo: soporte@helpdesk.example\r\nSubject: archivos\r\n"
        b"Message-ID: <nombres@cliente.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHola\r\n"
        b'--b\r\nContent-Type: application/pdf; NAME="Factura.pdf"\r\n\r\n%PDF-1\r\n'
        b"--b\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; FileName*0*=utf-8''Recibo%20de; FileName*1*=%20pago.txt"
        b"\r\n\r\nabc\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment\r\n\r\nPNG\r\n"
        b"--b--\r\n"
    )
    parsed = email_parse(raw)
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("Factura.pdf", "application/pdf"),
        ("Recibo de pago.txt", "application/octet-stream"),
        ("adjunto-3.png", "image/png"),
    ]
    assert parsed.text == "Hola"
