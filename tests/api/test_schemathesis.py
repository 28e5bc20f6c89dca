"""Fuzz the live OpenAPI schema with schemathesis: no server errors, no response that
breaks the schema. Bounded in examples so the suite stays quick.

The schema is fetched from the running app (``/api/schema/``; serving it needs no
database). Staff calls get schemathesis's boundary-value ("coverage") cases as well as
random ones; other roles get random ones. Cases call the app in-process (WSGI) with a
real token, each inside the test's rolled-back transaction, against one world built
once for this module and flushed afterwards.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from members import tokens
from tests import flows
from tests.conftest import restore_role_groups
from tests.factories import World

CHECKS = [not_a_server_error, response_schema_conformance]


def _load(coverage: bool):
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    loaded.config.phases.coverage.enabled = coverage
    return loaded


thorough = _load(coverage=True)
random_only = _load(coverage=False)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """One committed world for every case of this module; flushed at the end.

    Like Django's test client, keep the handler from closing the connection (and so
    the test's transaction) at the end of each in-process request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        world = World.build(prefix="fuzz")
        flows.assigned(world)
        flows.draft(world, title="草稿")
        keys = {
            role: tokens.issue(user).key
            for role, user in (
                ("staff", world.staff),
                ("member", world.member.user),
                ("unit", world.lead_handler),
            )
        }
    yield keys
    with django_db_blocker.unblock():
        _reset_database()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _reset_database() -> None:
    """Empty the database and put back what the migrations made.

    When transactional tests serialized the migrated database, restore exactly that
    snapshot (they restore it too, so re-created rows would collide with it).
    """
    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)
    else:
        call_command("flush", interactive=False, verbosity=0)
    # A --reuse-db run may have serialized an already emptied database: make sure the
    # role groups are there either way (idempotent).
    restore_role_groups()


FEW = settings(
    max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@thorough.parametrize()
@FEW
def test_api_as_staff(case, fuzz_world, db):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world['staff']}"}, checks=CHECKS)


@random_only.parametrize()
@FEW
def test_api_as_member(case, fuzz_world, db):
    case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_world['member']}"}, checks=CHECKS
    )


@random_only.parametrize()
@FEW
def test_api_as_unit(case, fuzz_world, db):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world['unit']}"}, checks=CHECKS)
