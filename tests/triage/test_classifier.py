import pytest

from helpdesk.triage.classifier import Learned, Rule, classify, learned_index

pytestmark = pytest.mark.core


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("No tengo señal en mi casa desde ayer", "connection"),
        ("el celu dice solo llamadas de emergencia", "connection"),
        ("el inter anda re lento, no cargan las páginas", "data"),
        ("tengo megas pero no puedo navegar", "data"),
        ("no me llegan los mensajes de texto", "sms"),
        ("no me llega el código de verificación por sms", "sms"),
        ("cuando llamo no me escuchan", "calls"),
        ("me mandan directo al buzón de voz", "calls"),
        ("cómo configuro el APN", "device"),
        ("el teléfono no reconoce el chip", "device"),
        ("olvidé mi contraseña del portal", "other"),
    ],
)
def test_technical_areas_go_to_the_technical_queue(text, category):
    result = classify(text)
    assert (result.queue, result.category, result.clarification) == (
        "technical",
        category,
        False,
    )


@pytest.mark.parametrize(
    "text", ["saldo", "factura", "¿dónde descargo mi factura?", "cómo pago con tarjeta"]
)
def test_billing_questions_are_billing_without_clarification(text):
    result = classify(text)
    assert (result.queue, result.category, result.clarification) == ("billing", "billing", False)


@pytest.mark.parametrize(
    "text",
    [
        "quiero contratar un plan con más gigas",
        "portabilidad",
        "cuánto cuesta el plan pospago?",
        "me interesa la fibra para mi casa, hay cobertura en mi calle?",
        "quiero dar de baja la línea",
    ],
)
def test_sales(text):
    result = classify(text)
    assert (result.queue, result.category, result.clarification) == ("sales", "sales", False)


@pytest.mark.parametrize(
    "text",
    [
        "Hice una recarga de 100 pesos y no me entró",
        "me cobraron dos veces la factura",
        "me descontaron saldo sin usar nada",
        "deposité ayer y todavía no se refleja",
        "quiero un reembolso",
        "el estado de cuenta no cuadra con mis ventas",
        "I was charged twice for my top-up",
        "me están cobrando un servicio que nunca contraté",
    ],
)
def test_clarifications_always_go_to_billing(text):
    result = classify(text)
    assert (result.queue, result.category, result.clarification) == ("billing", "billing", True)
    assert any(r.startswith("aclaración de cuenta") for r in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "no me llega la factura electrónica al correo",
        "tengo deuda pendiente, puedo pagar en cuotas?",
        "no me llegan los mensajes",
        "¿cómo hago una recarga?",
    ],
)
def test_no_clarification_for_ordinary_questions(text):
    assert classify(text).clarification is False


def test_clarification_wins_over_a_technical_topic():
    result = classify("me cobraron roaming y nunca salí del país, y encima no tengo señal")
    assert (result.queue, result.clarification) == ("billing", True)


def test_billing_vs_sales_depends_on_purchase_intent():
    assert classify("tienen alguna promo en recargas?").queue == "sales"
    assert classify("no puedo pagar el plan con la tarjeta").queue == "billing"
    assert classify("quiero cambiar mi plan a uno más barato").queue == "sales"


def test_dismissed_topic_does_not_count():
    result = classify("no es la señal, el problema es que no me llegan los SMS")
    assert result.category == "sms"
    assert "descartado, el cliente lo excluye: «señal»" in result.reasons


def test_working_service_is_dismissed():
    assert classify("los datos funcionan bien pero no puedo llamar").category == "calls"
    assert classify("no puedo llamar ni recibir, solo me andan los mensajes").category == "calls"


def test_reasons_are_readable_spanish():
    result = classify("no tengo señal")
    assert result.reasons[0] == "«señal» → conexión y cobertura"


def test_subject_counts():
    result = classify("Desde el lunes no puedo.", subject="Sin señal en Quilmes")
    assert result.category == "connection"


def test_english_messages():
    assert classify("my top up was not credited").clarification is True
    assert classify("I can't receive text messages").category == "sms"
    assert classify("how much is the unlimited plan").queue == "sales"


def test_stretched_and_sms_speak():
    assert classify("holaaa no tengo señaaal").category == "connection"
    assert classify("xq no me anda el inter").category == "data"


def test_confidence_orders_clear_over_short_over_unknown():
    clear = classify("no tengo señal ni cobertura, el celular dice sin servicio").confidence
    short = classify("señal").confidence
    vague = classify("hola, tengo un problema").confidence
    empty = classify("").confidence
    assert 1 >= clear > short > vague >= empty >= 0
    assert vague < 0.45  # below the default review threshold


def test_mixed_message_is_less_confident_than_a_clean_one():
    clean = classify("no me llegan los mensajes de texto").confidence
    mixed = classify("no me llegan los mensajes de texto y el internet anda lento").confidence
    assert mixed < clean


def test_unknown_text_is_other_with_a_reason():
    result = classify("asdf qwerty")
    assert (result.queue, result.category) == ("technical", "other")
    assert result.reasons == ("sin palabras reconocidas: área «otro», requiere revisión humana",)


def test_rule_adds_evidence_and_a_reason():
    rule = Rule("Decodificador TV", ("decodificador", "control remoto"), "technical", "device")
    without = classify("el decodificador no responde")
    with_rule = classify("el decodificador no responde", rules=[rule])
    assert without.category == "other"
    assert with_rule.category == "device" and with_rule.confidence > without.confidence
    assert "regla «Decodificador TV»: «decodificador» → configuración del equipo" in (
        with_rule.reasons
    )


def test_rule_with_queue_only_and_clarification():
    to_sales = Rule("Combos", ("combo hogar",), queue="sales")
    assert classify("info del combo hogar", rules=[to_sales]).queue == "sales"
    clar = Rule("Vales", ("vale no aplicado",), queue="billing", clarification=True)
    result = classify("mi vale no aplicado", rules=[clar])
    assert result.clarification is True and result.queue == "billing"


def test_learned_terms_move_the_decision():
    text = "el router de fibra parpadea en rojo"
    assert classify(text).queue == "sales"
    learned = learned_index(
        [
            Learned("router", "queue", "technical", 2.0),
            Learned("parpade", "queue", "technical", 2.0),
            Learned("fibr", "queue", "sales", -1.0),
        ]
    )
    result = classify(text, learned=learned)
    assert result.queue == "technical"
    assert any(r.startswith("aprendido de correcciones de agentes") for r in result.reasons)


def test_learned_accepts_plain_iterables():
    result = classify("zorglub", learned=[Learned("zorglub", "category", "sms", 3.0)])
    assert result.category == "sms"
