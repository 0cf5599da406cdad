"""Demo data of the knowledge base: sections and articles from `knowledgebase/content/`."""

from __future__ import annotations

from typing import TextIO

from knowledgebase.services.content import content_load, sections_load


def seed(stdout: TextIO) -> None:
    """Idempotent: a second run creates nothing and only rewrites files that changed."""
    created, updated = sections_load()
    counts = content_load()
    stdout.write(
        f"Base de conocimiento: {created} secciones nuevas, {updated} actualizadas; artículos "
        f"{counts['created']} nuevos, {counts['updated']} actualizados, "
        f"{counts['unchanged']} sin cambios.\n"
    )
