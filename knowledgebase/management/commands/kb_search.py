"""`manage.py kb_search QUERY [--limit N] [--json]`: search the published public articles."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledgebase.services import articles_search, hit_as_dict
from knowledgebase.services.search import MAX_LIMIT, MAX_QUERY_CHARS


class Command(BaseCommand):
    help = (
        "Busca artículos publicados y públicos de la base de conocimiento. Imprime una lista "
        'JSON de {"slug", "title", "category", "score"}, la mejor primero.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", help="texto a buscar")
        parser.add_argument("--limit", type=int, default=10, help=f"1-{MAX_LIMIT} (10)")
        parser.add_argument(
            "--json",
            action="store_true",
            help="salida JSON (por omisión también es JSON; se acepta por "
            "compatibilidad con DESIGN.md)",
        )
        parser.add_argument("--lang", choices=["es", "en"], help="idioma preferido")
        parser.add_argument(
            "--internal", action="store_true", help="incluir artículos internos (solo agentes)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        query = " ".join(options["query"]).strip()
        if not query:
            raise CommandError("La búsqueda está vacía.")
        if len(query) > MAX_QUERY_CHARS:
            raise CommandError(f"La búsqueda es demasiado larga (máximo {MAX_QUERY_CHARS}).")
        limit = options["limit"]
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit debe estar entre 1 y {MAX_LIMIT}.")
        hits = articles_search(
            query, limit=limit, internal=options["internal"], language=options.get("lang")
        )
        self.stdout.write(json.dumps([hit_as_dict(h) for h in hits], ensure_ascii=False))
