"""The SMS channel: a small interface, since every committee has its own gateway.

``settings.SMS_BACKEND`` names a class with ``send(phone, text)``; it raises on
failure (the reminder is then retried like a failed e-mail). The default only logs.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("cppcc.sms")


class SMSBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSMSBackend:
    """Writes each message to the ``cppcc.sms`` log instead of a gateway."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemorySMSBackend:
    """Keeps messages in ``outbox`` (for tests), like Django's locmem e-mail backend."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySMSBackend.outbox.append((phone, text))


def get_backend() -> SMSBackend:
    path = getattr(settings, "SMS_BACKEND", "proposals.reminders.sms.LoggingSMSBackend")
    return import_string(path)()
