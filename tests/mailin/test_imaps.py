"""IMAP over TLS against the real Dovecot: the certificate is verified before the password goes
out, an untrusted one is a clear error that loses nothing, and MAILIN_CA_FILE trusts a private
authority."""

import ssl

import pytest

from mailin.imap import ImapSession, MailboxTlsError
from mailin.models import Mailbox
from mailin.reader import fetch_once, mailbox_target, url_target
from tests.mailin.mails import mail

pytestmark = [pytest.mark.django_db(transaction=True)]


def tls_url(dovecot, user: str) -> str:
    return f"imaps://{user}:secret@127.0.0.1:{dovecot.tls_port}/INBOX"


def unseen(dovecot, user: str) -> int:
    client = dovecot.client(user)
    try:
        client.select_folder("INBOX", readonly=True)
        return len(client.search(["UNSEEN"]))
    finally:
        client.logout()


def test_mail_is_read_over_tls_from_a_server_signed_by_the_configured_authority(
    dovecot, imap_user, queues, settings
):
    user, _plain_url = imap_user
    settings.MAILIN_CA_FILE = dovecot.ca_file
    dovecot.append(user, mail(message_id="<tls1@c.test>", subject="Sin datos", text="No navego."))
    target = url_target(tls_url(dovecot, user), "technical")
    assert target.config.tls and target.config.port == dovecot.tls_port
    assert dict(fetch_once(target).counts) == {"created": 1}
    assert unseen(dovecot, user) == 0
    session = ImapSession(target.config)
    try:
        assert session.client._imap.sock.version() in ("TLSv1.2", "TLSv1.3")
    finally:
        session.client.logout()


def test_an_untrusted_certificate_is_refused_clearly_and_the_mail_waits(
    dovecot, imap_user, queues, settings
):
    user, _plain_url = imap_user
    settings.MAILIN_CA_FILE = ""  # the system's authorities: they never signed the test CA
    dovecot.append(user, mail(message_id="<tls2@c.test>", subject="Saldo", text="No me llegó."))
    with pytest.raises(MailboxTlsError, match="MAILIN_CA_FILE") as refused:
        fetch_once(url_target(tls_url(dovecot, user), "billing"))
    assert "127.0.0.1" in str(refused.value)
    assert isinstance(refused.value.__cause__, ssl.SSLCertVerificationError)
    assert unseen(dovecot, user) == 1  # nothing read, nothing flagged
    settings.MAILIN_CA_FILE = dovecot.ca_file
    assert dict(fetch_once(url_target(tls_url(dovecot, user), "billing")).counts) == {"created": 1}
    assert unseen(dovecot, user) == 0


def test_a_stored_tls_mailbox_uses_the_configured_authority(dovecot, imap_user, queues, settings):
    user, _plain_url = imap_user
    settings.MAILIN_CA_FILE = dovecot.ca_file
    stored = Mailbox.objects.create(
        name="Facturación TLS",
        host="127.0.0.1",
        port=dovecot.tls_port,
        username=user,
        password="secret",
        use_tls=True,
        default_queue=queues["billing"],
    )
    dovecot.append(user, mail(message_id="<tls3@c.test>", subject="Cobro", text="Me cobraron 2."))
    target = mailbox_target(stored)
    assert target.config.ca_file == dovecot.ca_file
    assert dict(fetch_once(target).counts) == {"created": 1}
