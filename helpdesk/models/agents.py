from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agente")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrador")


class Presence(models.TextChoices):
    ONLINE = "online", _("En línea")
    AWAY = "away", _("Ausente")
    OFFLINE = "offline", _("Desconectado")


class AgentProfile(models.Model):
    """Helpdesk role and chat capacity of a staff user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    display_name = models.CharField(_("nombre visible"), max_length=100, blank=True)
    chat_capacity = models.PositiveSmallIntegerField(_("chats simultáneos"), default=3)
    # Explicit status chosen by the agent; "online" also needs an open socket.
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, default="es")

    class Meta:
        verbose_name = _("perfil de agente")
        verbose_name_plural = _("perfiles de agente")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class CannedResponse(models.Model):
    """A reusable answer an agent inserts into a reply."""

    title = models.CharField(_("título"), max_length=120)
    shortcut = models.SlugField(_("atajo"), max_length=40, unique=True)
    body = models.TextField(_("texto"))
    language = models.CharField(_("idioma"), max_length=8, default="es")
    queue = models.ForeignKey(
        "helpdesk.Queue", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("cola")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("respuesta predefinida")
        verbose_name_plural = _("respuestas predefinidas")

    def __str__(self) -> str:
        return self.title
