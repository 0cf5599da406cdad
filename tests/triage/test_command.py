import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk.triage.models import TriageRule

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def _run(lines: str, *args: str) -> tuple[list[dict], CommandError | None]:
    out = io.StringIO()
    error = None
    try:
        call_command("triage", *args, stdin=io.StringIO(lines), stdout=out)
    except CommandError as exc:
        error = exc
    return [json.loads(line) for line in out.getvalue().splitlines()], error


def test_one_json_line_per_input_line():
    rows, error = _run(
        '{"text": "no me entra la recarga"}\n'
        '{"text": "Desde el lunes no puedo", "subject": "Sin señal"}\n'
    )
    assert error is None
    assert [(r["queue"], r["category"], r["clarification"]) for r in rows] == [
        ("billing", "billing", True),
        ("technical", "connection", False),
    ]
    assert set(rows[0]) == {"queue", "category", "clarification", "confidence", "reasons"}
    assert 0 <= rows[0]["confidence"] <= 1 and rows[0]["reasons"]


def test_bad_lines_print_errors_others_still_print_and_exit_fails():
    rows, error = _run(
        'not json\n{"text": "saldo"}\n[1, 2]\n{"subject": 3, "text": "x"}\n{"text": ""}\n\n'
    )
    assert error is not None and error.returncode == 1
    assert [sorted(r) for r in rows] == [
        ["error"],
        ["category", "clarification", "confidence", "queue", "reasons"],
        ["error"],
        ["error"],
        ["error"],
    ]
    assert rows[0]["error"].startswith("línea 1:")
    assert rows[1]["queue"] == "billing"


def test_rules_apply_unless_builtin_only():
    TriageRule.objects.create(name="Deco", keywords="decodificador", category="device")
    line = '{"text": "el decodificador no responde"}\n'
    assert _run(line)[0][0]["category"] == "device"
    assert _run(line, "--builtin-only")[0][0]["category"] == "other"


def test_help_mentions_the_format(capsys):
    with pytest.raises(SystemExit):
        call_command("triage", "--help")
    assert '"queue", "category", "clarification", "confidence", "reasons"' in (
        capsys.readouterr().out.replace("\n", " ")
    )
