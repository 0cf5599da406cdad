"""`manage.py mailin parse FILE... --json | fetch --once [--mailbox URL] | run [--mailbox URL]`."""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mailin.parsing import ParsedEmail, ParseFailure, email_parse
from mailin.reader import fetch_once, run_forever, targets_active, url_target


def parse_summary(path: str, parsed: ParsedEmail) -> dict[str, Any]:
    return {
        "file": path,
        "message_id": parsed.message_id or None,
        "from": parsed.sender,
        "to": list(parsed.recipients),
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "text": parsed.text,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in parsed.attachments
        ],
        "auto_reply": parsed.auto_reply,
        "bounce": parsed.bounce is not None,
        "in_reply_to": parsed.in_reply_to or None,
        "references": list(parsed.references),
        "ticket_ref": parsed.ticket_ref,
    }


class Command(BaseCommand):
    help = "Canal de correo: analizar archivos .eml, leer buzones IMAP una vez o sin parar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="Analiza archivos de correo (RFC 5322).")
        parse.add_argument("files", nargs="+", metavar="FILE")
        parse.add_argument("--json", action="store_true", help="Una línea JSON por archivo.")
        fetch = sub.add_parser("fetch", help="Lee los correos nuevos y termina.")
        fetch.add_argument("--once", action="store_true", help="Una pasada (uso con cron).")
        fetch.add_argument(
            "--mailbox",
            action="append",
            metavar="URL",
            help="imap://USUARIO:CLAVE@HOST:PUERTO/CARPETA (imaps:// con TLS).",
        )
        fetch.add_argument("--queue", help="Cola por defecto para --mailbox.")
        fetch.add_argument(
            "--workers",
            type=int,
            default=1,
            metavar="N",
            help="Procesos que guardan lotes independientes a la vez (PostgreSQL; uno por núcleo).",
        )
        run = sub.add_parser("run", help="Lee sin parar (IDLE o sondeo), reconectando.")
        run.add_argument("--mailbox", action="append", metavar="URL")
        run.add_argument("--queue", help="Cola por defecto para --mailbox.")
        run.add_argument(
            "--poll",
            type=float,
            metavar="SEGUNDOS",
            help="Sondear cada N segundos en lugar de usar IDLE.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "parse":
            self._parse(options["files"], as_json=options["json"])
        elif action == "fetch":
            self._fetch(options)
        else:
            self._run(options)

    def _targets(self, options: dict[str, Any]) -> list:
        if options.get("mailbox"):
            return [url_target(url, options.get("queue")) for url in options["mailbox"]]
        targets = targets_active()
        if not targets:
            raise CommandError("No hay buzones activos: use --mailbox URL o cree uno en admin.")
        return targets

    def _parse(self, files: list[str], as_json: bool) -> None:
        failed = False
        for path in files:
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                failed = True
                line: dict[str, Any] = {"file": path, "error": f"{type(exc).__name__}: {exc}"}
            else:
                parsed = email_parse(raw)
                if isinstance(parsed, ParseFailure):
                    failed = True
                    line = {"file": path, "error": parsed.error}
                else:
                    line = parse_summary(path, parsed)
            if as_json:
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            else:
                self.stdout.write("\n".join(f"{key}: {value}" for key, value in line.items()))
                self.stdout.write("")
        if failed:
            raise SystemExit(1)

    def _fetch(self, options: dict[str, Any]) -> None:
        workers = max(1, options.get("workers") or 1)
        if workers > 1 and connection.vendor == "sqlite":
            raise CommandError("Con SQLite solo escribe un proceso: use --workers 1.")
        for target in self._targets(options):
            try:
                report = fetch_once(target, workers=workers)
            except TimeoutError as exc:
                raise CommandError(f"Otro lector tiene el buzón ocupado: {exc}") from exc
            self.stdout.write(
                json.dumps(
                    {
                        "mailbox": report.mailbox,
                        "processed": report.processed,
                        **dict(report.counts),
                    }
                )
            )

    def _run(self, options: dict[str, Any]) -> None:
        targets = self._targets(options)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())

        def report(result: Any) -> None:
            if result.processed:
                self.stdout.write(json.dumps({"mailbox": result.mailbox, **dict(result.counts)}))

        threads = [
            threading.Thread(
                target=run_forever,
                args=(target, stop),
                kwargs={
                    "on_report": report,
                    "use_idle": not options.get("poll"),
                    "poll_interval": options.get("poll") or 30.0,
                },
                daemon=True,
            )
            for target in targets
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads) and not stop.is_set():
            stop.wait(1.0)
        for thread in threads:
            thread.join(timeout=40)
