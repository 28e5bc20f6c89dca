"""/healthz and /readyz: what an orchestrator and a load balancer ask."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor

from cppcc import health

CLOSED_PORT = "redis://127.0.0.1:1/0"


def get(client, url: str) -> tuple[int, dict]:
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access would fail this test.
    assert get(client, "/healthz") == (200, {"status": "ok"})


@pytest.mark.django_db
def test_probes_answer_whatever_host_a_balancer_asks_by(client):
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.3.7:8000").status_code in (200, 503)
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400  # the site does not


@pytest.mark.django_db
def test_ready_with_database_and_broker(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL if "redis" in settings.CELERY_BROKER_URL else ""
    code, body = get(client, "/readyz")
    assert code == 200 and body["database"] == "ok"
    assert body == {
        "status": "ready",
        "database": "ok",
        "broker": "ok" if settings.REDIS_URL else "in-process",
    }


@pytest.mark.django_db
def test_a_broker_outage_degrades_but_keeps_serving(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    assert get(client, "/readyz") == (
        200,
        {"status": "degraded", "database": "ok", "broker": "unreachable"},
    )


@pytest.mark.django_db
def test_pending_migrations_mean_not_ready(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["0099"])
    response = client.get("/readyz")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert json.loads(response.content)["database"] == "migrations pending"


@pytest.mark.django_db
def test_once_migrated_a_probe_is_one_query(client, settings, django_assert_num_queries):
    settings.REDIS_URL = ""
    client.get("/readyz")
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


def test_an_unreachable_database_means_not_ready(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    code, body = get(client, "/readyz")
    assert code == 503 and body == {
        "status": "unready",
        "database": "unreachable",
        "broker": "in-process",
    }
