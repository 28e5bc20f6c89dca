"""What every benchmark script needs: a PostgreSQL database of its own, Django set up on
it, and a guarded way to empty it before building a data set.

Kept apart from the scripts so that each of them shows only what it measures.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

# Tables the migrations fill (role groups, permissions, content types): never wiped.
MIGRATION_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
}


def maintenance_url(url: str) -> tuple[str, str]:
    """The server's ``postgres`` database (to create or drop ours) and our database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"--database-url names no database: {url}")
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), name


def ensure_database(url: str) -> bool:
    """Create the database named in ``url`` when it does not exist; True when created."""
    import psycopg
    from psycopg import sql

    maintenance, name = maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance, name = maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    """Django on ``url`` with production-like settings (no debug query log)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "cppcc.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def guard_database(**ours) -> None:
    """Refuse to wipe a database holding committees other than ``ours`` (lookups on
    Committee): a mistyped ``--database-url`` must not empty someone's real data."""
    from committees.models import Committee

    others = Committee.objects.exclude(**ours)
    if others.exists():
        raise SystemExit(
            "The database holds committees this benchmark did not create "
            f"({', '.join(others.values_list('code', flat=True)[:5])}); "
            "point --database-url at a database of its own."
        )


def wipe() -> None:
    """Empty every table but the migration-made ones."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = connection.introspection.django_table_names(only_existing=True)
    tables = [t for t in tables if t not in MIGRATION_TABLES]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def load() -> str:
    """The machine's load, printed beside timings that depend on it."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"
