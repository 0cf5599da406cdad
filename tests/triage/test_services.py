import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Ticket
from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.tickets import ticket_move
from helpdesk.triage.models import LearnedTerm, TriageRule
from helpdesk.triage.services import triage_decide, triage_learn, triage_snapshot

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def _open(text: str, subject: str = "") -> Ticket:
    result = intake_receive(
        Inbound(channel="web", name="Rosa", email="rosa@example.com", text=text, subject=subject)
    )
    return result.ticket


def test_decision_fields_and_review_flag(settings):
    settings.HELPDESK = {**settings.HELPDESK, "TRIAGE_THRESHOLD": 0.45}
    clear = triage_decide(text="Hice una recarga y no me entró el saldo")
    assert (clear.queue, clear.category, clear.clarification, clear.needs_review) == (
        "billing",
        "billing",
        True,
        False,
    )
    vague = triage_decide(text="hola, buenas tardes")
    assert vague.needs_review is True and vague.confidence < 0.45
    assert vague.as_dict()["reasons"] == list(vague.reasons) or vague.as_dict()["reasons"]
    # Written field by field for speed: still exactly what dataclasses.asdict gives.
    for decision in (clear, vague):
        assert decision.as_dict() == dataclasses.asdict(decision)
        assert list(decision.as_dict()) == [f.name for f in dataclasses.fields(decision)]


def test_queue_hint_wins_only_when_unsure():
    unsure = triage_decide(text="hola, buenas tardes", queue_hint="sales")
    assert unsure.queue == "sales"
    assert "cola sugerida por el canal: ventas" in unsure.reasons
    sure = triage_decide(text="no tengo señal en mi casa", queue_hint="sales")
    assert sure.queue == "technical"


def test_queue_hint_never_overrides_a_clarification():
    decision = triage_decide(text="me cobraron", queue_hint="sales")
    assert decision.queue == "billing"


def test_rules_from_the_database_apply_and_changes_are_seen_at_once():
    text = "el decodificador no responde"
    assert triage_decide(text=text).category == "other"
    rule = TriageRule.objects.create(
        name="Decodificador",
        keywords="decodificador\ncontrol remoto",
        queue="technical",
        category="device",
    )
    decision = triage_decide(text=text)
    assert decision.category == "device"
    assert "regla «Decodificador»: «decodificador» → configuración del equipo" in decision.reasons
    rule.active = False
    rule.save()
    assert triage_decide(text=text).category == "other"
    rule.active = True
    rule.save()
    assert triage_decide(text=text).category == "device"
    TriageRule.objects.all().delete()
    assert triage_decide(text=text).category == "other"


def test_rule_keywords_ignore_blank_lines_and_comments():
    rule = TriageRule(name="x", keywords="uno\n\n  dos # comentario\n# solo comentario\nuno")
    assert rule.keyword_lines() == ("uno", "dos")


def test_snapshot_is_cached_one_lookup_per_decision():
    TriageRule.objects.create(name="Combos", keywords="combo hogar", queue="sales")
    triage_decide(text="info del combo hogar")  # warm the snapshot
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            assert triage_decide(text="info del combo hogar").queue == "sales"
    # Redis cache: no SQL at all; database cache (embedded mode): one cache read per decision.
    assert len(queries) <= 20
    assert not any("triage_" in q["sql"] for q in queries.captured_queries)


def test_correction_changes_a_later_decision(queues, agent):
    first = _open("El router de fibra parpadea en rojo desde ayer")
    assert first.queue.slug == "sales"
    ticket_move(first, actor=agent, queue=queues["technical"], category="data")
    assert LearnedTerm.objects.filter(label_kind="queue", label="technical").exists()
    assert LearnedTerm.objects.filter(label_kind="category", label="data").exists()
    later = _open("mi router de fibra está en rojo otra vez")
    assert (later.queue.slug, later.category) == ("technical", "data")
    assert any("aprendido de correcciones" in reason for reason in later.triage_reasons)
    # Related but different text still follows the lexicon: one correction is not a takeover.
    assert _open("quiero contratar fibra para mi casa").queue.slug == "sales"


def test_repeated_corrections_strengthen_and_stay_bounded(queues):
    ticket = _open("el router de fibra parpadea en rojo")
    before = triage_decide(text="router de fibra en rojo")
    for _ in range(30):
        triage_learn(ticket, field="queue", old="sales", new="technical")
    after = triage_decide(text="router de fibra en rojo")
    assert before.queue == "sales" and after.queue == "technical"
    weights = LearnedTerm.objects.values_list("weight", flat=True)
    assert max(weights) <= 6.0 and min(weights) >= -3.0


def test_learning_without_anything_to_learn_writes_nothing(queues):
    ticket = _open("no tengo señal")
    assert triage_learn(ticket, field="queue", old="technical", new="technical") == 0
    assert triage_learn(ticket, field="status", old="new", new="open") == 0
    assert triage_learn(ticket, field="queue", old="technical", new="nowhere") == 0
    empty = _open("hola, gracias")  # only generic words
    assert triage_learn(empty, field="queue", old="technical", new="sales") == 0
    assert LearnedTerm.objects.count() == 0


def test_learning_accepts_queue_objects(queues):
    ticket = _open("el decodificador no responde")
    changed = triage_learn(ticket, field="queue", old=queues["technical"], new=queues["sales"])
    assert changed == LearnedTerm.objects.count() > 0
    assert set(LearnedTerm.objects.values_list("label", flat=True)) == {"technical", "sales"}


def test_snapshot_reloads_when_learning_happens(queues):
    rules, learned = triage_snapshot()
    assert len(learned) == 0
    ticket = _open("el decodificador no responde")
    triage_learn(ticket, field="category", old="other", new="device")
    _, learned = triage_snapshot()
    assert len(learned) == LearnedTerm.objects.count() > 0
