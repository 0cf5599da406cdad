"""Demo data for `make run`: idempotent, a second run adds nothing."""

from __future__ import annotations

import importlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.demo_history import history_seed
from helpdesk.models import AgentProfile, CannedResponse, Queue, Role, Ticket
from helpdesk.services.acknowledgements import ticket_submit
from helpdesk.services.intake import Inbound
from helpdesk.services.queues import queues_ensure
from helpdesk.services.replies import ticket_reply

DEMO_PASSWORD = "demo1234"
USERS = [
    # username, role, display name, queues
    ("agente1", Role.AGENT, "Lucía Fernández", ["technical"]),
    ("agente2", Role.AGENT, "Marcos Benítez", ["billing"]),
    ("agente3", Role.AGENT, "Valeria Ríos", ["sales", "technical"]),
    ("supervisor1", Role.SUPERVISOR, "Ana Giménez", ["technical", "billing", "sales"]),
]
CANNED = [
    ("saludo", "Saludo inicial", "Hola, gracias por escribirnos. Con gusto te ayudo."),
    (
        "reinicio",
        "Reiniciar el equipo",
        "Te pido por favor apagar el equipo, esperar 30 segundos y volver a encenderlo. "
        "Luego revisa si vuelve la señal y me cuentas.",
    ),
    (
        "recarga-10min",
        "Recarga en proceso",
        "Las recargas pueden tardar hasta 10 minutos en verse reflejadas, sobre todo en horas "
        "de alta demanda (19:30 a 21:30). Si pasado ese tiempo no aparece, respóndeme con la "
        "fecha, el monto y el número recargado.",
    ),
    (
        "nunca-clave",
        "Nunca compartir contraseñas",
        "Por tu seguridad, nunca compartas contraseñas ni PIN por correo o chat. El cambio de "
        "contraseña solo lo hace el administrador de tu cuenta.",
    ),
]
TICKETS = [
    (
        "María López",
        "maria.lopez@example.com",
        "No tengo señal en casa",
        "Desde ayer no tengo señal en mi casa en Asunción, el celular dice sin servicio.",
    ),
    (
        "Jorge Pérez",
        "jorge.perez@example.com",
        "Recarga no acreditada",
        "Hice una recarga de 100 pesos en la tienda y no me llegó el saldo, ya pasó una hora.",
    ),
    (
        "Carla Duarte",
        "carla.duarte@example.com",
        "Quiero cambiar de plan",
        "Hola, quisiera contratar un plan con más gigas, ¿qué opciones tienen?",
    ),
    (
        "Pedro Gómez",
        "pedro.gomez@example.com",
        "Internet muy lento",
        "Los datos móviles andan lentísimos, no carga ni WhatsApp.",
    ),
]


class Command(BaseCommand):
    help = "Load demo queues, agents, supervisor, knowledge base, SLA policies and tickets."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            queues = queues_ensure()
            self._users(queues)
            for index, (shortcut, title, body) in enumerate(CANNED):
                CannedResponse.objects.get_or_create(
                    shortcut=shortcut, defaults={"title": title, "body": body}
                )
                del index
        for module in (
            "helpdesk.triage.seed",
            "helpdesk.sla.seed",
            "knowledgebase.seed",
            "channels_chat.seed",
            "mailin.seed",
            "helpdesk.incidents.seed",
        ):
            try:
                seed_module = importlib.import_module(module)
            except ModuleNotFoundError:
                continue
            seed_module.seed(self.stdout)
        self._tickets()
        history_seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Datos de demostración listos."))
        self.stdout.write(f"Usuarios (contraseña: {DEMO_PASSWORD}):")
        for username, role, name, queue_slugs in USERS:
            self.stdout.write(f"  {username:<12} {role:<10} {name} · {', '.join(queue_slugs)}")

    def _users(self, queues: dict[str, Queue]) -> None:
        user_model = get_user_model()
        for username, role, name, queue_slugs in USERS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                first, _, last = name.partition(" ")
                user = user_model.objects.create_user(
                    username=username,
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@helpdesk.example",
                    is_staff=role != Role.AGENT,
                )
            AgentProfile.objects.get_or_create(
                user=user, defaults={"role": role, "display_name": name}
            )
            for slug in queue_slugs:
                queues[slug].members.add(user)
                if role == Role.SUPERVISOR:
                    queues[slug].supervisors.add(user)

    def _tickets(self) -> None:
        if Ticket.objects.filter(contact__email__endswith="@example.com").exists():
            return
        for name, email, subject, text in TICKETS:
            result = ticket_submit(
                Inbound(channel="web", name=name, email=email, subject=subject, text=text)
            )
            if result.ticket.queue.slug == "technical":
                agent = get_user_model().objects.get(username="agente1")
                ticket_reply(
                    result.ticket,
                    author=agent,
                    internal=True,
                    text="Revisar si hay incidente de red en la zona.",
                )
