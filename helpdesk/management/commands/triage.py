"""`manage.py triage`: classify JSON lines from stdin, one JSON line out per line in."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from helpdesk.triage.classifier import classify
from helpdesk.triage.services import triage_decide


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        'Reads JSON lines {"text": ..., "subject": ...} on stdin and prints one JSON line each: '
        '{"queue", "category", "clarification", "confidence", "reasons"}. A line that cannot be '
        'classified prints {"error": ...}; the others still print and the exit status is then 1.'
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--builtin-only",
            action="store_true",
            help="Use only the built-in lexicon (ignore the database's rules and learned terms).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        failures = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                text, subject = _parse(line)
            except ValueError as error:
                failures += 1
                self._emit({"error": f"línea {number}: {error}"})
                continue
            self._emit(_classified(text, subject, builtin_only=options["builtin_only"]))
        if failures:
            raise CommandError(f"{failures} línea(s) no se pudieron clasificar", returncode=1)

    def _emit(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
        self.stdout.flush()


def _parse(line: str) -> tuple[str, str]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"JSON inválido ({error.msg})") from error
    if not isinstance(data, dict):
        raise ValueError('se esperaba un objeto {"text": ..., "subject": ...}')
    text, subject = data.get("text"), data.get("subject", "") or ""
    if not isinstance(text, str) or not isinstance(subject, str):
        raise ValueError('"text" y "subject" deben ser cadenas de texto')
    if not text.strip() and not subject.strip():
        raise ValueError('falta "text"')
    return text, subject


def _classified(text: str, subject: str, *, builtin_only: bool) -> dict[str, Any]:
    if builtin_only:
        result: Any = classify(text, subject)
    else:
        result = triage_decide(text=text, subject=subject)
    return {
        "queue": result.queue,
        "category": result.category,
        "clarification": result.clarification,
        "confidence": result.confidence,
        "reasons": list(result.reasons),
    }
