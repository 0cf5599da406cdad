from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    """A customer. Customers are contacts, not users: they reach tickets by signed links."""

    name = models.CharField(_("nombre"), max_length=200, blank=True)
    email = models.EmailField(_("correo"), max_length=254, blank=True, default="")
    phone = models.CharField(_("teléfono (E.164)"), max_length=20, blank=True, default="")
    language = models.CharField(_("idioma"), max_length=8, default="es")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contacto")
        verbose_name_plural = _("contactos")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="contact_email_unique", condition=~models.Q(email="")
            )
        ]
        # Agent search by line number (helpdesk/search_filters.py).
        indexes = [models.Index(fields=["phone"], name="contact_phone")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name or self.phone
