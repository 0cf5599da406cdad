"""Dismissals: the parts of a message the customer says are NOT the problem.

In a complaint, a negation is usually the complaint itself ("no tengo señal", "no me llegó la
recarga"), so plain negations are kept. What is dropped is a topic the customer rules out:
"no es la señal, es el saldo", "no tengo problemas con las llamadas", "el wifi sí funciona",
"los datos andan bien".
"""

from __future__ import annotations

from helpdesk.triage.normalize import BREAK

# "no es la señal ...": the words after the cue, up to the end of the clause, are ruled out.
_FORWARD_TEXT = """
    no es | no son | no era | no tengo problema con | no tengo problemas con
    no tengo ningun problema con | sin problemas con | sin problema con | no hay problema con
    no hay problemas con | not about | no problem with | no problems with | no issue with
    no issues with | nothing wrong with
"""
_FORWARD_CUES = tuple(tuple(cue.split()) for cue in _FORWARD_TEXT.split("|"))
# The cues by their first word: a word that opens no cue costs one lookup.
_CUES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(cue for cue in _FORWARD_CUES if cue[0] == first)
    for first in {cue[0] for cue in _FORWARD_CUES}
}
# After "no es", only these open a ruled-out topic ("no es la señal"); "no es normal que me
# cobren" or "no es la primera vez" are complaints, not dismissals.
_AFTER_NO_ES_TEXT = "el la los las por de del mi mis tema problema con un una"
_NOT_A_TOPIC_TEXT = "primera unica segunda tercera vez justo normal posible logico correcto"
# "... funciona(n) bien", "... sí funciona", "... works fine": the words before are ruled out.
_WORKING_VERBS_TEXT = (
    "funciona funcionan anda andan va van llega llegan sale salen works work is are esta estan"
)
_WORKING_ADVERBS_TEXT = "bien perfecto perfectamente normal normalmente fine ok okay"
_AFTER_NO_ES = frozenset(_AFTER_NO_ES_TEXT.split())
_NOT_A_TOPIC = frozenset(_NOT_A_TOPIC_TEXT.split())
_WORKING_VERBS = frozenset(_WORKING_VERBS_TEXT.split())
_WORKING_ADVERBS = frozenset(_WORKING_ADVERBS_TEXT.split())
_AFFIRMATIONS = frozenset({"si", "yes", "still", "solo", "only"})
# Words that may open a clause before a working verb without being its topic.
_LEADING = frozenset({"me", "solo", "si", "only", "yes", "still", "ya", "|"})
_SPAN = 5


def dismissed_positions(words: tuple[str, ...]) -> frozenset[int]:
    """Indexes of `words` that belong to a topic the customer rules out."""
    dismissed: set[int] = set()
    for start in range(len(words)):
        for cue in _CUES_BY_FIRST.get(words[start], ()):
            end = start + len(cue)
            if words[start:end] != cue:
                continue
            if cue[1] in ("es", "son", "era") and not _opens_topic(words, end):
                continue
            dismissed.update(_forward(words, end))
        word = words[start]
        if word in _WORKING_VERBS and _is_working(words, start):
            before = _backward(words, start)
            dismissed.update(before)
            if not [w for w in (words[i] for i in before) if w not in _LEADING]:
                # "solo me andan los mensajes", "funcionan bien los datos": topic after the verb
                after = start + 1
                if after < len(words) and words[after] in _WORKING_ADVERBS:
                    after += 1
                dismissed.update(_forward(words, after))
    return frozenset(dismissed)


def _opens_topic(words: tuple[str, ...], at: int) -> bool:
    if at >= len(words) or words[at] not in _AFTER_NO_ES:
        return False
    return not (at + 1 < len(words) and words[at + 1] in _NOT_A_TOPIC)


def _is_working(words: tuple[str, ...], at: int) -> bool:
    before = words[at - 1] if at > 0 else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    if before == "no" or (at > 1 and words[at - 2] == "no"):
        return False
    if before == "me" and at > 1:
        before = words[at - 2]
    return before in _AFFIRMATIONS or after in _WORKING_ADVERBS


def _forward(words: tuple[str, ...], start: int) -> range:
    end = start
    while end < len(words) and end - start < _SPAN and words[end] != BREAK:
        end += 1
    return range(start, end)


def _backward(words: tuple[str, ...], verb: int) -> range:
    start = verb
    while start > 0 and verb - start < _SPAN and words[start - 1] != BREAK:
        start -= 1
    return range(start, verb)
