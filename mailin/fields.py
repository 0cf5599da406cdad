"""A model field whose value is sealed in the database and plain in Python (`mailin.sealing`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from mailin.sealing import is_sealed, keys_configured, secret_open, secret_seal


class SealedTextField(models.TextField):
    """Text sealed on its way to the database and opened on its way back.

    A sealed token differs on every save, so lookups other than the empty string match
    nothing: filter on another column and compare the opened values in Python. Serialized
    (`dumpdata`) it stays sealed; loaded back it is opened and sealed again on save.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return secret_open(value, keys_configured())

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return secret_open(value, keys_configured())
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or is_sealed(value):
            return value
        return secret_seal(value, keys_configured())

    def value_to_string(self, obj: Any) -> str:
        return secret_seal(str(self.value_from_object(obj) or ""), keys_configured())
