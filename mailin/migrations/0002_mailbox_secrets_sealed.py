"""Mailbox passwords and URLs sealed at rest (`mailin.sealing`): the columns become text and
every stored value is sealed; going back writes them plain again."""

from django.db import migrations

import mailin.fields


def seal_all(apps, schema_editor):
    Mailbox = apps.get_model("mailin", "Mailbox")
    for mailbox in Mailbox.objects.using(schema_editor.connection.alias).all():
        mailbox.save(update_fields=["url", "password"])  # read plain, written sealed


def open_all(apps, schema_editor):
    Mailbox = apps.get_model("mailin", "Mailbox")
    with schema_editor.connection.cursor() as cursor:
        for mailbox in Mailbox.objects.using(schema_editor.connection.alias).all():
            cursor.execute(
                "UPDATE mailin_mailbox SET url = %s, password = %s WHERE id = %s",
                [mailbox.url, mailbox.password, mailbox.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("mailin", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="password",
            field=mailin.fields.SealedTextField(blank=True, verbose_name="contraseña"),
        ),
        migrations.AlterField(
            model_name="mailbox",
            name="url",
            field=mailin.fields.SealedTextField(
                blank=True,
                help_text=(
                    "imap://USUARIO:CLAVE@HOST:PUERTO/CARPETA o imaps:// para TLS; si se "
                    "indica, sustituye a los campos de conexión."
                ),
                verbose_name="URL",
            ),
        ),
        migrations.RunPython(seal_all, open_all),
    ]
