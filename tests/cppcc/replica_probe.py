"""Run by ``test_replica.py`` in a process of its own, with ``DATABASE_URL`` on a primary
and ``DATABASE_REPLICA_URL`` on its streaming replica: which database answers what.
Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from members import tokens  # noqa: E402
from tests import flows  # noqa: E402
from tests.factories import World  # noqa: E402


def replica_has(table: str, pk: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [pk])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.2)
    return False


def served(client, url: str, **extra) -> dict:
    """The status and how many queries each database ran for ``url``."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url, secure=True, **extra)  # HTTPS, as deployed
    return {
        "status": response.status_code,
        "primary": [q["sql"][:60] for q in primary.captured_queries],
        "replica": len(replica.captured_queries),
    }


call_command("migrate", verbosity=0)
world = World.build()
proposal = flows.submitted(world)
out: dict = {"caught_up": replica_has("proposals_proposal", proposal.pk)}
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    out["replica_in_recovery"] = cursor.fetchone()[0]

client = Client()
client.force_login(world.staff)
out["dashboard"] = served(client, "/statistics/")
out["list"] = served(client, "/proposals/")
out["search"] = served(client, "/proposals/", data={"q": "提案"})
saved = client.post(
    "/people/filters/",
    {"path": "/proposals/", "query": "state=filed", "name": "已立案"},
    secure=True,
)
out["write_status"] = saved.status_code
out["after_write"] = served(client, "/statistics/")
time.sleep(float(os.environ["REPLICA_STICKY_SECONDS"]) + 0.5)
out["after_sticky"] = served(client, "/statistics/")

token = tokens.issue(world.staff)  # new: the replica may not have it yet
out["api"] = served(Client(), "/api/v1/statistics/", HTTP_AUTHORIZATION=f"Token {token.key}")
print(json.dumps(out))
