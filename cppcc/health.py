"""Health endpoints for orchestrators and load balancers (compose health checks).

Answered by :class:`HealthCheckMiddleware`, first in ``MIDDLEWARE``: before the host check
(a probe asks by IP, not by the site's name), sessions, authentication and the HTTPS
redirect.

``/healthz``: the process answers (no database, no broker) — restart it when this fails.
``/readyz``: it can serve — the database answers and every migration is applied (503
otherwise: take it out of rotation). The broker is reported too, but without it the
site still serves (after-commit work waits in its outbox), so it is ``degraded``, not
unready.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# Seconds a readiness probe waits for the broker: a down Redis must not hang the probe.
BROKER_TIMEOUT = 2


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# Once every migration is applied this process never needs to read the migration files
# again to know it (a probe every few seconds must stay a ``SELECT 1``).
_migrated = False


def _database() -> str:
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            executor = MigrationExecutor(connection)
            _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        logger.warning("readyz: database unreachable: %s", exc)
        return "unreachable"
    return "ok" if _migrated else "migrations pending"


def _broker() -> str:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return "in-process"  # no broker configured: tasks run eagerly
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT
        )
        client.ping()
    except (redis.RedisError, OSError) as exc:
        logger.warning("readyz: broker unreachable: %s", exc)
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    database, broker = _database(), _broker()
    if database != "ok":
        status, code = "unready", 503
    elif broker == "unreachable":
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    response = JsonResponse({"status": status, "database": database, "broker": broker}, status=code)
    if code == 503:
        response["Retry-After"] = "10"
    return response


class HealthCheckMiddleware:
    PROBES = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
