"""The account-clarification flag: the customer disputes money on their account.

Disputed or double charges, top-ups and deposits that were not credited, statements that do not
add up, refunds. Such a case always goes to billing and gets a written answer within 24 hours
(seed 001), so the flag must not fire on ordinary billing questions ("¿cómo pago mi factura?",
"no me llega la factura al correo").

Evidence is either one strong cue ("me cobraron dos veces", "reembolso") or a pair: something
of value (recarga, depósito, pago, cargo...) close to what went wrong with it (no llegó, no se
refleja, dos veces, no reconozco...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from helpdesk.triage.analysis import Analysed, Phrase, phrase_compile, phrase_find

THRESHOLD = 1.0
# Largest distance, in content words, between the two halves of a pair.
PAIR_WINDOW = 9

STRONG_ES = """
    1    reembolso | devolución | devuelvan | devolver el dinero | aclaración | cobro indebido
    1    cobro doble | doble cobro | doble cargo | cargo duplicado | cobro duplicado
    1    pago duplicado | cobraron dos veces | descontaron dos veces | pagué dos veces
    1    cobraron de más | cobran de más | cobro de más | no reconozco | no lo reconozco
    1    siguen cobrando | sigue cobrando | siguen descontando | siguen debitando
    1    me descontaron | se descontó | descontaron saldo | me quitaron | quitaron saldo
    1    desapareció mi saldo | robaron saldo | saldo negativo
    1    no cuadra | no coincide | quiero mi plata | quiero mi dinero | más cara de lo normal
    0.5  reclamo | cobro | cargo no reconocido
"""
STRONG_EN = """
    1    refund | charged twice | double charge | double charged | overcharged | not credited
    1    did not authorize | unauthorized charge | dispute | do not recognize | money back
    1    still charging | still being charged
"""

# Other things that can "not arrive" or "not show up"; between the halves of a pair they break it.
_BLOCKERS = frozenset({"mensaj", "sms", "codig", "token", "llam", "correo", "messag"})

# Pairs: (things of value, what went wrong with them).
PAIRS_ES = (
    (
        "recarga | recargué | =carga | =cargue | =cargué | saldo | depósito | deposité | abono"
        " | pago | pagué | transferencia | paquete | dinero | plata",
        "no llegó | no me llegó | no le llegó | nunca llegó | no entró | no entra | no me entró"
        " | no se acreditó | no acreditaron | no me acreditaron | no se refleja | no se reflejó"
        " | no aparece | no me aparece | no se abonó | no me dieron | no se cargó"
        " | todavía pendiente | sigue pendiente | sale pendiente | no veo | ninguna"
        " | sigue apareciendo | sigue saliendo | todavía aparece | todavía me aparece",
    ),
    (
        # "recargué y nada": something done that did not show up
        "=recargue | =cargue | =deposite | =pague | =transferi | =abone",
        "=nada | no tengo saldo | sigue igual | no pasó nada",
    ),
    (
        "cobro | cobrando | =cargo | =cargos | descontaron | descuento | factura | debitaron"
        " | cobraron",
        "dos veces | doble | duplicado | de más | indebido | no reconozco | nunca contraté"
        " | no contraté | no pedí | no solicité | no autoricé | sin autorización | sin usar"
        " | nunca salí | no usé | nunca usé | ni usé",
    ),
    (
        "factura | estado de cuenta | monto | saldo | cobro | ventas | reporte",
        "no cuadra | no coincide | más cara | más alta | tan alta | tan cara | muy alta | muy cara"
        " | el doble | subió | sube | aumentó | incorrecto"
        " | mal calculado | no corresponde",
    ),
)
PAIRS_EN = (
    (
        "top up | topup | recharge | payment | deposit | credit | balance | paid",
        "not credited | not arrive | never arrived | not received | not showing | missing"
        " | still shows | still pending",
    ),
    (
        "charge | charged | bill | invoice | fee",
        "twice | double | not authorize | never used | wrong | higher | does not match",
    ),
)


@dataclass(frozen=True)
class ClarificationEvidence:
    score: float
    cues: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.score >= THRESHOLD


def _weighted(block: str, lang: str) -> tuple[tuple[float, Phrase], ...]:
    rows = []
    for line in block.strip().splitlines():
        weight, _, phrases = line.strip().partition(" ")
        rows += [(float(weight), phrase_compile(p.strip(), lang)) for p in phrases.split("|")]
    return tuple(rows)


def _split(phrases: str, lang: str) -> tuple[Phrase, ...]:
    return tuple(phrase_compile(p.strip(), lang) for p in phrases.split("|"))


@cache
def _compiled() -> tuple[
    tuple[tuple[float, Phrase], ...], tuple[tuple[tuple[Phrase, ...], tuple[Phrase, ...]], ...]
]:
    singles = _weighted(STRONG_ES, "es") + _weighted(STRONG_EN, "en")
    pairs = tuple((_split(a, "es"), _split(b, "es")) for a, b in PAIRS_ES)
    pairs += tuple((_split(a, "en"), _split(b, "en")) for a, b in PAIRS_EN)
    return singles, pairs


def cue_phrases() -> tuple[str, ...]:
    """Every cue phrase, for the typo-correction vocabulary."""
    texts: list[str] = []
    for block in (STRONG_ES, STRONG_EN):
        for line in block.strip().splitlines():
            texts += [p.strip() for p in line.strip().partition(" ")[2].split("|")]
    for a, b in PAIRS_ES + PAIRS_EN:
        texts += [p.strip() for p in (a + "|" + b).split("|")]
    return tuple(texts)


def clarification_detect(analysed: Analysed) -> ClarificationEvidence:
    """How strongly a message disputes money on the account, and the cues that say so."""
    singles, pairs = _compiled()
    score = 0.0
    cues: list[str] = []
    present = analysed.positions
    for weight, phrase in singles:
        # The first-key test skips most phrases without a call (same result as phrase_find).
        if (
            phrase.keys[:1]
            and phrase.keys[0] in present
            and phrase_find(phrase, analysed) is not None
        ):
            score += weight
            cues.append(phrase.text.replace("=", ""))
    for values, problems in pairs:
        pair = _pair_find(values, problems, analysed)
        if pair:
            score += 1.0
            cues.append(f"{pair[0]} … {pair[1]}")
    return ClarificationEvidence(score=score, cues=tuple(dict.fromkeys(cues)))


def _pair_find(
    values: tuple[Phrase, ...], problems: tuple[Phrase, ...], analysed: Analysed
) -> tuple[str, str] | None:
    present = analysed.positions
    # Phrases whose first key is absent cannot match: skipped without a call; a pair with no
    # value present needs no look at its problems.
    found_values = [
        (p, at)
        for p in values
        if p.keys and p.keys[0] in present and (at := phrase_find(p, analysed)) is not None
    ]
    if not found_values:
        return None
    found_problems = [
        (p, at)
        for p in problems
        if p.keys and p.keys[0] in present and (at := phrase_find(p, analysed)) is not None
    ]
    for value, at_value in found_values:
        for problem, at_problem in found_problems:
            if set(at_value) & set(at_problem):
                continue
            if abs(at_value[0] - at_problem[0]) <= PAIR_WINDOW and not _blocked(
                analysed, at_value[0], at_problem[0]
            ):
                return value.text.replace("=", ""), problem.text.replace("=", "")
    return None


def _blocked(analysed: Analysed, a: int, b: int) -> bool:
    """True when something else sits between the value and the problem ("no me llegan los
    mensajes del banco para confirmar transferencias": what did not arrive is the messages)."""
    low, high = sorted((a, b))
    return any(term.es in _BLOCKERS for term in analysed.terms[low + 1 : high])
