"""E-mail and SMS backends that fail, for delivery tests."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"mailbox unavailable")})


class CrashingEmailBackend(BaseEmailBackend):
    """The worker process dies while talking to the mail server."""

    def send_messages(self, email_messages):
        raise SystemExit("worker killed")


class BrokenSMSBackend:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway timeout")
