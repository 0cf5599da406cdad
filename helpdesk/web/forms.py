"""Forms of the public web channel: validation at the edge, nothing written here."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from helpdesk.services.timeline import IncomingFile, attachment_allowed


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def files_validate(files: list[UploadedFile]) -> list[IncomingFile]:
    """Uploaded files as IncomingFile, or a ValidationError naming the file at fault."""
    rules = settings.HELPDESK
    if len(files) > rules["MAX_ATTACHMENTS"]:
        raise forms.ValidationError(
            _("Puedes adjuntar hasta %(n)s archivos.") % {"n": rules["MAX_ATTACHMENTS"]}
        )
    result = []
    for upload in files:
        size = upload.size or 0
        content_type = (upload.content_type or "application/octet-stream").lower()
        if size > rules["MAX_ATTACHMENT_BYTES"]:
            raise forms.ValidationError(
                _("El archivo %(name)s supera el tamaño máximo de %(mb)s MB.")
                % {"name": upload.name, "mb": rules["MAX_ATTACHMENT_BYTES"] // 2**20}
            )
        if not attachment_allowed(content_type, size):
            raise forms.ValidationError(
                _("El tipo de archivo de %(name)s no está permitido.") % {"name": upload.name}
            )
        result.append(IncomingFile(str(upload.name), content_type, upload.read()))
    return result


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    email = forms.EmailField(label=_("Correo electrónico"), max_length=254)
    phone = forms.CharField(
        label=_("Teléfono o número de línea (opcional)"), max_length=30, required=False
    )
    subject = forms.CharField(label=_("Asunto (opcional)"), max_length=200, required=False)
    message = forms.CharField(label=_("¿En qué te ayudamos?"), widget=forms.Textarea)
    attachments = MultipleFileField(label=_("Adjuntos (opcional)"), required=False)
    # Honeypot: people never see it; bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        limit = settings.HELPDESK["MAX_MESSAGE_CHARS"]
        if not message:
            raise forms.ValidationError(_("Cuéntanos qué pasa."))
        if len(message) > limit:
            raise forms.ValidationError(
                _("El mensaje es demasiado largo (máximo %(n)s caracteres).") % {"n": limit}
            )
        return message

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and not 7 <= len(digits) <= 15:
            raise forms.ValidationError(_("Escribe un número de teléfono válido."))
        return phone

    def clean_attachments(self) -> list[IncomingFile]:
        return files_validate(self.cleaned_data.get("attachments") or [])

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("No pudimos procesar el formulario."))
        return ""


class CustomerReplyForm(forms.Form):
    message = forms.CharField(label=_("Tu respuesta"), widget=forms.Textarea)
    attachments = MultipleFileField(label=_("Adjuntos (opcional)"), required=False)

    def clean_message(self) -> str:
        return ContactForm.clean_message(self)  # type: ignore[arg-type]

    def clean_attachments(self) -> list[IncomingFile]:
        return files_validate(self.cleaned_data.get("attachments") or [])
