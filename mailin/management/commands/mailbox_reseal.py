"""`manage.py mailbox_reseal`: seal every mailbox's secrets again with the first configured key
(after putting a new key first in MAILBOX_SECRET_KEYS; then the old one can be dropped)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mailin.models import Mailbox
from mailin.sealing import SecretUnreadable


class Command(BaseCommand):
    help = "Seal the mailboxes' passwords and URLs again with the first MAILBOX_SECRET_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                mailboxes = list(Mailbox.objects.select_for_update().order_by("pk"))
                for mailbox in mailboxes:
                    mailbox.save(update_fields=["url", "password"])
        except SecretUnreadable as exc:
            raise CommandError(f"{exc}; nothing was changed") from exc
        self.stdout.write(f"{len(mailboxes)} mailbox(es) sealed with the first key")
