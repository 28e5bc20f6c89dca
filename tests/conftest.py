"""Test set-up: real PostgreSQL (and Redis), checked up front with a clear message."""

from __future__ import annotations

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from tests.factories import World


def pytest_configure(config: pytest.Config) -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    try:
        psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        raise pytest.UsageError(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} as {db['USER']!r} "
            f"({exc}).\nStart it (e.g. `pg_ctlcluster 15 main start`) or set DATABASE_URL."
        ) from exc


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Re-create the role groups the migrations made.

    Transactional tests run last and flush every table, so a later ``--reuse-db``
    run would otherwise start without them.
    """
    with django_db_blocker.unblock():
        restore_role_groups()


def restore_role_groups() -> None:
    """What the data migrations made: the role groups and the admin group's permissions."""
    from django.apps import apps

    groups = importlib.import_module("members.migrations.0002_role_groups")
    admin_delete = importlib.import_module("members.migrations.0003_admin_delete_calendar")
    groups.create_groups(apps, None)
    admin_delete.grant(apps, None)


# Every test runs on a fixed clock, ticking from Monday 16 November 2026, 10:00 in
# Shanghai: nothing drifts with the real date, or with the years the holiday package
# happens to know. A test that needs another moment travels there itself.
FIXED_NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees what an earlier one cached (a to-do badge kept for a minute, a
    throttle count): ids repeat from one test database to the next."""
    cache.clear()


@pytest.fixture
def world(db) -> World:
    """A small committee with every role, a session and a few units."""
    return World.build()


@pytest.fixture
def today() -> datetime.date:
    return datetime.date(2025, 3, 10)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say where the browser tests left their screenshots."""
    from tests.chromium import SCREENSHOTS

    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")


# A real Celery worker thread on the real Redis broker, and beat's trigger: shared by
# the reminder tests and the export-progress browser test.
from tests.celery_worker import beat, celery_worker_thread  # noqa: E402, F401

# One Chromium for the whole run: the browser tests and the deployment test.
from tests.chromium import browser  # noqa: E402, F401
