"""Placeholder keyword classifier; replaced by the full Spanish-first classifier."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Classification:
    queue: str
    category: str
    clarification: bool
    confidence: float
    reasons: tuple[str, ...]


_WORDS = {
    "billing": ("factura", "cobro", "saldo", "recarga", "cargo", "pago"),
    "data": ("datos", "internet", "megas"),
    "sms": ("sms", "mensaje"),
    "calls": ("llamada", "llamar"),
    "connection": ("senal", "cobertura"),
    "device": ("apn", "configurar"),
    "sales": ("plan", "contratar", "comprar"),
}


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def classify(*, text: str, subject: str = "") -> Classification:
    folded = _fold(f"{subject} {text}")
    for category, words in _WORDS.items():
        hits = [w for w in words if w in folded]
        if hits:
            queue = {"billing": "billing", "sales": "sales"}.get(category, "technical")
            return Classification(
                queue, category, category == "billing", 0.6, tuple(f"palabra: {w}" for w in hits)
            )
    return Classification("technical", "other", False, 0.2, ("sin coincidencias",))
