"""The parser against real-world mail from other projects' suites (../shared/fixtures/mail)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from mailin.parsing import ParsedEmail, ParseFailure, email_parse
from mailin.quotes import reply_split
from mailin.tnef import tnef_unpack
from tests.conftest import IN_CI

pytestmark = pytest.mark.core
# shared/ sits beside the repository (in CI too); not a fixed path, so any clone finds it.
ROOT = Path(
    os.environ.get("MAIL_FIXTURES", Path(__file__).resolve().parents[3] / "shared/fixtures/mail")
)
if not ROOT.is_dir():
    if IN_CI:
        pytest.fail(f"the shared mail fixtures are missing at {ROOT}", pytrace=False)
    pytest.skip("the shared mail fixtures are absent", allow_module_level=True)

EMAIL_SUFFIXES = (".eml", ".box", ".msg")


def expectations(source: str) -> dict:
    return json.loads((ROOT / source / "expectations.json").read_text())["files"]


def parse(path: Path) -> ParsedEmail:
    result = email_parse(path.read_bytes())
    assert isinstance(result, ParsedEmail), f"{path}: {result}"
    return result


def all_emails() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in EMAIL_SUFFIXES and not p.name.endswith("_result.eml")
    )


def test_every_email_parses_without_exception():
    files = all_emails()
    assert len(files) > 150
    for path in files:
        result = email_parse(path.read_bytes())
        assert isinstance(result, ParsedEmail), f"{path}: {result}"
        assert isinstance(result.text, str)


def test_non_email_bytes_give_a_failure_not_an_exception():
    for path in sorted((ROOT / "tnefparse").rglob("*.tnef")):
        assert isinstance(email_parse(path.read_bytes()), ParseFailure)
    assert isinstance(email_parse(b""), ParseFailure)


def _zammad_attachments(item: dict) -> list[str]:
    return [
        a["filename"]
        for a in item.get("attachments", [])
        if not a.get("preferences", {}).get("content-alternative")
        and a["filename"] != "Delivery report.txt"
    ]  # Zammad renders DSN text as a file


def test_zammad_subject_sender_attachments():
    checked = 0
    for name, item in expectations("zammad").items():
        if name.startswith("spec-derived"):
            continue
        parsed = parse(ROOT / "zammad" / name)
        if "from_email" in item:
            assert parsed.sender == item["from_email"].lower(), name
        if "subject" in item and name != "test/data/mail/mail072.box":
            assert parsed.subject == item["subject"].strip(), name
        if "attachments" in item:
            assert [a.filename for a in parsed.attachments] == _zammad_attachments(item), name
        checked += 1
    assert checked >= 15


def test_zammad_out_of_office_recognised():
    cases = {
        name: item["expected"]["x-zammad-out-of-office"]
        for name, item in expectations("zammad").items()
        if "x-zammad-out-of-office" in item.get("expected", {})
    }
    assert len(cases) == 7
    for name, expected in cases.items():
        assert parse(ROOT / "zammad" / name).auto_reply is expected, name


def test_zammad_bounces_recognised_with_original_message():
    bounced = parse(
        ROOT / "zammad/test/data/mail/mail033-undelivered-mail-returned-to-sender-notification.box"
    )
    assert bounced.bounce is not None and bounced.bounce.permanent
    assert bounced.bounce.status == "5.1.1"
    assert bounced.bounce.original_message_id.startswith("<notification.20150830145600")
    assert parse(ROOT / "zammad/test/data/mail/mail055.box").bounce is not None


def test_flanker_bounces_and_complaints():
    for name, item in expectations("flanker").items():
        if not name.endswith(".eml"):
            continue
        parsed = parse(ROOT / "flanker" / name)
        if "/bounce/" in name:
            assert parsed.bounce is not None, name
        elif "bounce_detect_expected" in item:
            assert (parsed.bounce is not None) is item["bounce_detect_expected"]["is_bounce"], name
        else:
            assert parsed.bounce is None, name
        if "/complaints/" in name:
            assert parsed.auto_reply, name
    office = parse(ROOT / "flanker/tests/fixtures/messages/bounce/office365.eml")
    assert office.bounce is not None and office.bounce.status == "5.1.10"


def test_discourse_bounce_auto_reply_and_mislabelled_charset():
    base = ROOT / "discourse/spec/fixtures/emails"
    bounce = parse(base / "bounced_email.eml").bounce
    assert bounce is not None and bounce.status == "5.1.1"
    assert bounce.recipient == "linux-admin@b-s-c.co.jp"
    assert parse(base / "auto_reply.eml").auto_reply
    assert parse(base / "chinese_reply.eml").text == "您好！ 你今天好吗？"


def test_django_mailbox_objective_fields():
    for name, item in expectations("django-mailbox").items():
        expected = item.get("expected") or {}
        if not expected or "role" in item:
            continue
        parsed = parse(ROOT / "django-mailbox" / name)
        names = [a.filename for a in parsed.attachments]
        if "subject" in expected and "mr.test32" not in str(expected.get("from_header")):
            assert parsed.subject == expected["subject"], name
        if "from_header" in expected:
            assert parsed.sender in expected["from_header"].lower(), name
        if "message_id" in expected:
            assert parsed.message_id == expected["message_id"], name
        if expected.get("attachment_filenames") and None not in expected["attachment_filenames"]:
            assert names == expected["attachment_filenames"], name
        if "attachment_filenames_in_order_first3" in expected:
            assert names[:3] == expected["attachment_filenames_in_order_first3"], name
        if "attachment_count" in expected:
            assert len(names) == expected["attachment_count"], name
        if "text" in expected and "message_with_utf8_char" not in name:
            assert parsed.text.strip() == expected["text"].strip(), name


def test_django_helpdesk_subjects_and_bodies():
    for name, item in expectations("django-helpdesk").items():
        expected = item.get("expected") or {}
        parsed = parse(ROOT / "django-helpdesk" / name)
        title = expected.get("ticket.title")
        if title:
            assert parsed.subject.startswith(title.removesuffix("...")), name
        if "ticket.description" in expected:
            assert parsed.text.strip() == expected["ticket.description"].strip(), name
        if "ticket.description_contains" in expected:
            # This file's plain and HTML alternatives differ; the phrase is in the HTML one.
            assert expected["ticket.description_contains"] in parsed.text + parsed.html, name


def _name_key(name: str | None) -> str:
    return re.sub(r"[\\/_:]", "", name or "")


def test_stalwart_subject_sender_and_named_attachments():
    for name, item in expectations("stalwart-mail-parser").items():
        parsed = parse(ROOT / "stalwart-mail-parser" / name)
        if item.get("subject") is not None:
            assert parsed.subject == item["subject"].strip(), name
        senders = item.get("from") or []
        if senders and "@" in (senders[0].get("address") or ""):
            assert parsed.sender == senders[0]["address"].lower(), name
        ours = {_name_key(a.filename) for a in parsed.attachments}
        for attachment in item.get("attachments", []):
            if attachment.get("filename"):
                assert _name_key(attachment["filename"]) in ours, (name, attachment["filename"])


def test_tnef_attachment_names():
    for name, item in expectations("tnefparse").items():
        content = tnef_unpack((ROOT / "tnefparse" / name).read_bytes())
        assert content is not None, name
        assert [f[0] for f in content.files] == item["attachment_long_filenames"], name


def test_talon_replies_mostly_separated_from_quotes():
    # Where a quote starts is each project's convention: hold the splitter to most cases.
    data = json.loads((ROOT / "talon/expectations.json").read_text())
    hits = total = 0
    for name, item in data["files"].items():
        if "expected_reply" not in item:
            continue
        parsed = parse(ROOT / "talon" / name)
        got = "\n\n".join(p for p in (parsed.reply_text, parsed.signature) if p)
        total += 1
        hits += parsed.reply_text.strip() == item["expected_reply"].strip() or (
            got.replace(" \n", "\n").strip() == item["expected_reply"].replace(" \n", "\n").strip()
        )
    for case in data["inline_cases"]:
        if case["function"] != "extract_from_plain":
            continue
        split = reply_split(case["input"])
        total += 1
        joined = "\n\n".join(p for p in (split.new, split.signature) if p)
        hits += joined == case["expected"].strip()
    assert total > 50
    assert hits / total >= 0.75, f"{hits}/{total}"


def test_boundary_matcher_parses_every_fixture_exactly_like_the_stdlib_pattern(monkeypatch):
    """`mailin.boundaries` (no regex compiled per multipart boundary) changes nothing."""
    import email.feedparser
    import re

    files = all_emails()
    with_matcher = [repr(email_parse(path.read_bytes())) for path in files]
    assert type(email.feedparser.re).__name__ == "_FeedparserRe"  # installed by the parser
    monkeypatch.setattr(email.feedparser, "re", re)
    assert [repr(email_parse(path.read_bytes())) for path in files] == with_matcher
