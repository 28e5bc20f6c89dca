"""Database helpers every app may use."""

from __future__ import annotations

from django.db import connection, transaction


def set_local(name: str, value: str = "on") -> None:
    """Set a PostgreSQL setting for the rest of the current transaction (``SET LOCAL``):
    how a job tells the audit triggers (proposals migration 0006) what it is doing.
    A no-op elsewhere (SQLite has no triggers to tell)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("set_local() needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
