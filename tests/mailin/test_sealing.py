"""Mailbox secrets sealed at rest: never in the database as written, read back as written."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from mailin.models import Mailbox
from mailin.reader import mailbox_target, url_target
from mailin.sealing import PREFIX, SecretUnreadable, key_derive, secret_open, secret_seal

pytestmark = [pytest.mark.core]

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT url, password FROM mailin_mailbox WHERE id = %s", [pk])
        return cursor.fetchone()


def test_a_sealed_secret_opens_to_what_was_sealed_and_only_with_its_key():
    sealed = secret_seal("clave-ñandú-123", [OLD])
    assert sealed.startswith(PREFIX) and "clave" not in sealed
    assert secret_seal("clave-ñandú-123", [OLD]) != sealed  # a fresh token each time
    assert secret_open(sealed, [OLD]) == "clave-ñandú-123"
    assert secret_open(sealed, [NEW, OLD]) == "clave-ñandú-123"  # rotation: old still opens
    with pytest.raises(SecretUnreadable, match="MAILBOX_SECRET_KEYS"):
        secret_open(sealed, [NEW])
    with pytest.raises(SecretUnreadable):
        secret_open(PREFIX + "no-es-un-token", [OLD])


def test_empty_and_legacy_plain_values():
    assert secret_seal("", [OLD]) == ""
    assert secret_open("", [OLD]) == ""
    assert secret_open("texto-plano-de-antes", [OLD]) == "texto-plano-de-antes"


def test_the_derived_key_follows_the_secret_key():
    assert key_derive("a") == key_derive("a") != key_derive("b")
    Fernet(key_derive("a").encode())  # a valid Fernet key


def test_a_mailbox_password_and_url_are_sealed_in_the_database(db, settings):
    settings.MAILBOX_SECRET_KEYS = [OLD]
    url = "imap://soporte:p%40ss-url@127.0.0.1:1143/INBOX"
    by_url = Mailbox.objects.create(name="Por URL", url=url)
    by_fields = Mailbox.objects.create(
        name="Por campos", host="imap.example", username="u", password="s3cr3t-clave"
    )
    raw_url, _ = stored(by_url.pk)
    _, raw_password = stored(by_fields.pk)
    assert raw_url.startswith(PREFIX) and "p%40ss-url" not in raw_url
    assert raw_password.startswith(PREFIX) and "s3cr3t" not in raw_password
    assert stored(by_fields.pk)[0] == ""  # no URL: nothing to seal
    assert Mailbox.objects.get(pk=by_url.pk).url == url
    assert mailbox_target(Mailbox.objects.get(pk=by_fields.pk)).config.password == "s3cr3t-clave"
    target = url_target(url)  # found by its opened URL, not by the sealed token
    assert target.source.mailbox_id == by_url.pk
    assert target.config.password == "p@ss-url"
    assert url_target(url.replace("INBOX", "Otra")).source.mailbox_id is None


def test_a_legacy_plain_row_is_read_and_sealed_on_save(db, settings):
    settings.MAILBOX_SECRET_KEYS = [OLD]
    mailbox = Mailbox.objects.create(name="Antiguo", host="h", username="u")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mailin_mailbox SET password = %s WHERE id = %s", ["plana", mailbox.pk]
        )
    legacy = Mailbox.objects.get(pk=mailbox.pk)
    assert legacy.password == "plana"
    legacy.save()
    assert stored(mailbox.pk)[1].startswith(PREFIX)
    assert Mailbox.objects.get(pk=mailbox.pk).password == "plana"


def test_a_key_rotation_reseals_every_mailbox(db, settings):
    settings.MAILBOX_SECRET_KEYS = [OLD]
    mailbox = Mailbox.objects.create(name="Rotar", host="h", username="u", password="rota")
    before = stored(mailbox.pk)[1]
    settings.MAILBOX_SECRET_KEYS = [NEW]
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("mailbox_reseal", stdout=io.StringIO())
    assert stored(mailbox.pk)[1] == before  # the refused rotation wrote nothing
    settings.MAILBOX_SECRET_KEYS = [NEW, OLD]
    out = io.StringIO()
    call_command("mailbox_reseal", stdout=out)
    assert "1 mailbox" in out.getvalue()
    settings.MAILBOX_SECRET_KEYS = [NEW]  # the old key dropped: still readable
    assert Mailbox.objects.get(pk=mailbox.pk).password == "rota"


def test_a_dump_carries_sealed_secrets_and_loads_back(db, settings, tmp_path):
    settings.MAILBOX_SECRET_KEYS = [OLD]
    mailbox = Mailbox.objects.create(name="Volcado", host="h", username="u", password="dump-me")
    out = io.StringIO()
    call_command("dumpdata", "mailin.mailbox", stdout=out)
    assert "dump-me" not in out.getvalue()
    dumped = json.loads(out.getvalue())
    assert dumped[0]["fields"]["password"].startswith(PREFIX)
    Mailbox.objects.all().delete()
    fixture = tmp_path / "buzones.json"
    fixture.write_text(out.getvalue())
    call_command("loaddata", str(fixture), verbosity=0)
    assert Mailbox.objects.get(pk=mailbox.pk).password == "dump-me"
    assert stored(mailbox.pk)[1].startswith(PREFIX)


def test_the_admin_never_shows_a_stored_secret_and_keeps_it_when_left_empty(
    db, admin_client, settings
):
    settings.MAILBOX_SECRET_KEYS = [OLD]
    mailbox = Mailbox.objects.create(name="Admin", host="h", username="u", password="oculta-42")
    page = admin_client.get(f"/admin/mailin/mailbox/{mailbox.pk}/change/")
    assert page.status_code == 200
    assert "oculta-42" not in page.content.decode()
    form = {
        "name": "Admin renombrado",
        "url": "",
        "host": "h",
        "port": "993",
        "username": "u",
        "password": "",
        "use_tls": "on",
        "folder": "INBOX",
        "default_queue": "",
        "processed_action": "seen",
        "processed_folder": "Procesados",
        "active": "on",
    }
    saved = admin_client.post(f"/admin/mailin/mailbox/{mailbox.pk}/change/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    again = Mailbox.objects.get(pk=mailbox.pk)
    assert (again.name, again.password) == ("Admin renombrado", "oculta-42")
    form["password"] = "nueva-43"
    admin_client.post(f"/admin/mailin/mailbox/{mailbox.pk}/change/", form)
    assert Mailbox.objects.get(pk=mailbox.pk).password == "nueva-43"
