"""Demo banner: one general message; incidents are declared live by supervisors."""

from __future__ import annotations

from typing import Any

from helpdesk.incidents.models import GeneralMessage

GENERAL = (
    "Entre las 19:30 y las 21:30 hay mucha demanda: una recarga puede tardar hasta 10 minutos "
    "en reflejarse. Si la pantalla mostró un error pero se descontó el saldo, espera antes de "
    "repetirla."
)


def seed(stdout: Any) -> None:
    _message, created = GeneralMessage.objects.get_or_create(
        text=GENERAL, defaults={"active": True}
    )
    stdout.write(f"Avisos: {int(created)} mensaje general nuevo")
