"""`manage.py sla_watch [--once] [--at ISO-8601]`: the SLA watcher."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from helpdesk.sla.leases import Lease
from helpdesk.sla.watcher import sla_watch_pass


def instant_parse(text: str) -> datetime:
    """An ISO-8601 instant; a naive one is read in TIME_ZONE and must exist there."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise CommandError(
            f"--at no es una fecha ISO-8601 válida: {text!r} (p. ej. 2026-03-07T17:01:00-06:00)"
        ) from error
    if moment.tzinfo is None:
        tz = ZoneInfo(settings.TIME_ZONE)
        aware = moment.replace(tzinfo=tz)
        back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != moment:
            raise CommandError(f"--at {text!r} no existe en {settings.TIME_ZONE} (cambio de hora)")
        moment = aware
    if not 2000 <= moment.year <= 2200:
        raise CommandError(f"--at fuera de rango: {text!r}")
    return moment.astimezone(UTC)


class Command(BaseCommand):
    help = (
        "Evalúa los relojes SLA: marca tickets en riesgo e incumplidos, notifica y escala. "
        "Sin --once se queda en marcha (un solo proceso activo gracias a un bloqueo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="una sola pasada y salir")
        parser.add_argument("--at", help="evaluar en este instante ISO-8601 (implica --once)")
        parser.add_argument(
            "--interval", type=float, default=20.0, help="segundos entre pasadas (por defecto 20)"
        )
        parser.add_argument(
            "--no-waiting",
            action="store_true",
            help="no enviar recordatorios ni cerrar tickets en espera",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        at = instant_parse(options["at"]) if options.get("at") else None
        if options["interval"] <= 0:
            raise CommandError("--interval debe ser mayor que 0")
        lease = Lease("sla_watch", ttl=max(60.0, options["interval"] * 3))
        waiting = not options["no_waiting"]
        if at is not None or options["once"]:
            if not lease.acquire():
                raise CommandError("otro sla_watch está en marcha (bloqueo ocupado)")
            try:
                result = sla_watch_pass(at or timezone.now(), waiting=waiting)
            finally:
                lease.release()
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self._loop(lease, options["interval"], waiting)

    def _loop(self, lease: Lease, interval: float, waiting: bool) -> None:
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        announced = False
        try:
            while not stopping:
                close_old_connections()
                if lease.acquire():
                    if not announced:
                        self.stderr.write("sla_watch: soy el proceso activo")
                        announced = True
                    result = sla_watch_pass(timezone.now(), waiting=waiting)
                    if result.at_risk or result.breached or result.reminders or result.closed:
                        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
                elif announced:
                    self.stderr.write("sla_watch: otro proceso tomó el bloqueo; en espera")
                    announced = False
                slept = 0.0
                while slept < interval and not stopping:
                    time.sleep(0.5)
                    slept += 0.5
        finally:
            lease.release()
