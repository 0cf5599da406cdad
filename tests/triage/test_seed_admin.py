import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from helpdesk.triage.classifier import classify
from helpdesk.triage.models import LearnedTerm, TriageRule
from helpdesk.triage.seed import DEFAULT_RULES, seed

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_seed_is_idempotent():
    out = io.StringIO()
    seed(out)
    seed(out)
    assert TriageRule.objects.count() == len(DEFAULT_RULES)
    assert "0 creadas" in out.getvalue().splitlines()[1]
    for rule in TriageRule.objects.all():
        rule.full_clean()


def test_default_rules_do_what_they_say():
    assert classify("cómo hago para traer mi número", rules=DEFAULT_RULES).queue == "sales"
    result = classify("depósito no reflejado en mi cuenta de vendedor", rules=DEFAULT_RULES)
    assert result.clarification is True


def test_rule_validation():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        TriageRule(name="vacía", keywords="\n#x\n", category="sms").full_clean()
    with pytest.raises(ValidationError):
        TriageRule(name="sin destino", keywords="algo").full_clean()
    assert TriageRule.objects.count() == 0


def test_admin_pages(client):
    admin = get_user_model().objects.create_superuser("root", "root@x.example", "clave-123456")
    client.force_login(admin)
    TriageRule.objects.create(name="Deco", keywords="decodificador", category="device")
    LearnedTerm.objects.create(term="router", label_kind="queue", label="technical", weight=1.5)
    rules = client.get(reverse("admin:triage_triagerule_changelist") + "?q=deco")
    assert rules.status_code == 200 and "Deco" in rules.content.decode()
    terms = client.get(reverse("admin:triage_learnedterm_changelist"))
    assert terms.status_code == 200 and "router" in terms.content.decode()
    assert client.get(reverse("admin:triage_learnedterm_add")).status_code == 403
