"""Learning from agents' corrections, as pure functions.

When an agent moves a ticket from one queue (or fault area) to another, the stems of the
customer's first message become evidence for the new label and a little against the old one.
The step is spread over the message's stems (a long message teaches each stem less), and weights
are bounded so that no single correction, or a flood of them, outweighs the whole lexicon.
"""

from __future__ import annotations

import math

from helpdesk.triage.analysis import analyse, content_stems
from helpdesk.triage.stemming import stem_en, stem_es

# Total evidence one correction adds for a message like the corrected one.
STEP = 2.0
# Share of the step taken away from the old label.
UNLEARN = 0.5
LEARNED_CEILING = 6.0
LEARNED_FLOOR = -3.0
MAX_FEATURES = 40

# Stems too general to teach anything (greetings, courtesy, filler verbs).
GENERIC_WORDS = (
    "hola buenas buenos dias tardes noches gracias favor ayuda necesito tengo tiene puedo hacer"
    " hice saber decir dicen pasa paso problema problemas no sin ni nunca mas dos numero linea"
    " celular telefono quiero quisiera urgente saludos hello help please thanks not hi"
)
GENERIC_STEMS = frozenset(stem_es(w) for w in GENERIC_WORDS.split()) | frozenset(
    stem_en(w) for w in GENERIC_WORDS.split()
)


def learning_features(text: str, subject: str = "") -> tuple[str, ...]:
    """The distinct stems of a message that learning attaches weight to."""
    analysed = analyse(f"{subject}.\n{text}" if subject.strip() else text)
    stems = [
        stem
        for stem in dict.fromkeys(content_stems(analysed))
        if len(stem) >= 3 and not stem.isdigit() and stem not in GENERIC_STEMS
    ]
    return tuple(stems[:MAX_FEATURES])


def learning_deltas(
    features: tuple[str, ...], new: str, old: str | None
) -> dict[tuple[str, str], float]:
    """Weight changes per (stem, label) for one correction from `old` to `new`."""
    if not features:
        return {}
    step = STEP / math.sqrt(len(features))
    deltas = {(stem, new): step for stem in features}
    if old:
        deltas.update({(stem, old): -step * UNLEARN for stem in features})
    return deltas


def learning_bound(weight: float) -> float:
    return min(max(weight, LEARNED_FLOOR), LEARNED_CEILING)
