"""`manage.py kb_search`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def run(*args):
    out = io.StringIO()
    call_command("kb_search", *args, stdout=out)
    return json.loads(out.getvalue())


def test_kb_search_prints_ranked_json(kb_content):
    results = run("la", "recarga", "no", "llega", "--limit", "3", "--json")
    assert len(results) == 3
    assert all(set(r) == {"slug", "title", "category", "score"} for r in results)
    assert results[0]["category"] == "billing"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_kb_search_public_only_unless_internal(kb_content):
    query = "clasificar falla recarga origen procedimiento interno"
    assert "interno-clasificar-falla-recarga" not in [r["slug"] for r in run(query)]
    assert run(query, "--internal")[0]["slug"] == "interno-clasificar-falla-recarga"


def test_kb_search_bad_input(kb_content):
    assert run("xyzzy") == []
    with pytest.raises(CommandError, match="vacía"):
        call_command("kb_search", " ")
    with pytest.raises(CommandError, match="larga"):
        call_command("kb_search", "x" * 10_240)
    with pytest.raises(CommandError, match="--limit"):
        call_command("kb_search", "señal", "--limit", "0")
