"""Default triage rules: a few readable examples supervisors can edit in the admin."""

from __future__ import annotations

from typing import TextIO

from helpdesk.triage.classifier import Rule

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        name="Billetera móvil y giros",
        keywords=("tigo money", "billetera móvil", "giro", "envío de dinero", "mercado pago"),
        queue="billing",
        category="billing",
    ),
    Rule(
        name="Portabilidad numérica",
        keywords=("portabilidad", "portar mi número", "cambiarme de compañía", "traer mi número"),
        queue="sales",
        category="sales",
    ),
    Rule(
        name="Recarga que no se refleja (puntos de venta)",
        keywords=(
            "error en pantalla pero el cliente recibió la recarga",
            "recarga no aparece en el reporte de ventas",
            "depósito no reflejado",
        ),
        queue="billing",
        category="billing",
        clarification=True,
    ),
    Rule(
        name="Saturación del sistema de recargas",
        keywords=("sistema lento", "se queda pensando", "saturado", "no procesa la venta"),
        queue="technical",
        category="other",
    ),
    Rule(
        name="Claves y accesos (solo el administrador)",
        keywords=("olvidé mi clave", "cambiar contraseña", "clave de acceso", "usuario bloqueado"),
        queue="technical",
        category="other",
        weight=0.8,
    ),
)


def seed(stdout: TextIO) -> None:
    """Create the default rules that do not exist yet (by name); never duplicates or edits."""
    from helpdesk.triage.models import TriageRule

    created = 0
    for rule in DEFAULT_RULES:
        _, was_created = TriageRule.objects.get_or_create(
            name=rule.name,
            defaults={
                "keywords": "\n".join(rule.keywords),
                "queue": rule.queue,
                "category": rule.category,
                "clarification": rule.clarification,
                "weight": rule.weight,
            },
        )
        created += was_created
    stdout.write(f"Reglas de clasificación: {created} creadas, {len(DEFAULT_RULES)} en total.\n")
