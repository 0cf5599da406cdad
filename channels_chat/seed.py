"""Demo data for the live chat: canned answers agents use in chats. Idempotent."""

from __future__ import annotations

from typing import TextIO

from helpdesk.models import CannedResponse, Queue

CANNED = (
    (
        "chat-saludo",
        None,
        "Saludo de chat",
        "¡Hola! Gracias por escribirnos. Soy tu agente de soporte, "
        "¿me confirmas tu número de línea?",
    ),
    (
        "chat-reinicio",
        "technical",
        "Reiniciar el equipo y la red",
        "Prueba esto, por favor: 1) activa y desactiva el modo avión, 2) reinicia el equipo, "
        "3) en Ajustes > Redes móviles, elige el operador de forma automática. ¿Cambió algo?",
    ),
    (
        "chat-apn",
        "technical",
        "Configurar APN de datos",
        "Vamos a revisar el APN: en Ajustes > Redes móviles > Nombres de punto de acceso, verifica "
        "que el APN sea el de tu operador y que el tipo incluya «default,supl».",
    ),
    (
        "chat-recarga",
        "billing",
        "Recarga no acreditada",
        "Lamento lo de tu recarga. ¿Me compartes la fecha, el monto y el folio del comprobante? "
        "Nunca te pediremos contraseñas ni datos completos de tu tarjeta.",
    ),
    (
        "chat-espera",
        None,
        "Pedir un momento",
        "Dame un momento, por favor; estoy revisando tu caso.",
    ),
    (
        "chat-cierre",
        None,
        "Cierre de chat",
        "¿Hay algo más en lo que te pueda ayudar? "
        "Si vuelve a pasar, escríbenos y retomamos tu caso.",
    ),
)


def seed(stdout: TextIO) -> None:
    created = 0
    for shortcut, queue_slug, title, body in CANNED:
        queue = Queue.objects.filter(slug=queue_slug).first() if queue_slug else None
        _row, new = CannedResponse.objects.get_or_create(
            shortcut=shortcut, defaults={"title": title, "body": body, "queue": queue}
        )
        created += int(new)
    stdout.write(f"chat: {created} respuestas predefinidas nuevas\n")
