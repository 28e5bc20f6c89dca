"""With a read replica (``DATABASE_REPLICA_URL``): dashboards, reports, exports and search
read from it, everything else and every write from the primary, and a user who has just
written reads from the primary for ``REPLICA_STICKY_SECONDS`` — against a real streaming
replica that the test makes (``replica_cluster``), in a process configured as production."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cppcc import replica_cluster
from tests.cppcc.production import production_env

PROBE = Path(__file__).with_name("replica_probe.py")


@pytest.fixture(scope="module")
def cluster():
    made = replica_cluster.make().start()
    yield made
    made.stop()


def test_reads_follow_the_router(cluster, collected_static):
    env = production_env(
        cluster.primary_url,
        DATABASE_REPLICA_URL=cluster.replica_url,
        REPLICA_STICKY_SECONDS="2",
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(collected_static),
    )
    done = subprocess.run(
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["replica_in_recovery"] is True and out["caught_up"] is True

    # The dashboard's figures come from the replica; the primary only says who is asking.
    dashboard = out["dashboard"]
    assert dashboard["status"] == 200 and dashboard["replica"] > 0
    assert not [q for q in dashboard["primary"] if "proposals_" in q], dashboard["primary"]
    # A plain list is the primary's; a search reads from the replica.
    assert out["list"]["replica"] == 0 and out["list"]["status"] == 200
    assert out["search"]["replica"] > 0 and out["search"]["status"] == 200

    # Having written, the user reads their own work from the primary for a while.
    assert out["write_status"] == 302
    assert out["after_write"]["replica"] == 0 and out["after_write"]["status"] == 200
    assert out["after_sticky"]["replica"] > 0

    # A token issued a moment ago works: who is asking is always read from the primary.
    assert out["api"]["status"] == 200 and out["api"]["replica"] > 0


def test_a_replica_without_a_shared_cache_is_refused(monkeypatch, settings):
    from cppcc import replica

    monkeypatch.setattr(replica, "configured", lambda: True)
    settings.REDIS_URL = ""
    assert [e.id for e in replica.check_shared_cache()] == ["cppcc.E020"]
    settings.REDIS_URL = "redis://127.0.0.1:6379/14"
    assert replica.check_shared_cache() == []


def test_which_requests_may_read_from_the_replica(rf):
    from cppcc.replica import replica_read

    assert replica_read(rf.get("/statistics/"))
    assert replica_read(rf.get("/exports/proposals.xlsx"))
    assert not replica_read(rf.get("/exports/jobs/3/status"))  # the user's own fresh job
    assert replica_read(rf.get("/proposals/", {"q": "养老"}))
    assert not replica_read(rf.get("/proposals/"))
    assert not replica_read(rf.post("/statistics/"))
