"""Helpers every test module shares: logging a client in, counting queries."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def logged_in(client, user):
    """``client`` logged in as ``user`` (no password round-trip; the login page has its
    own tests)."""
    client.force_login(user)
    return client


def queries_of(work: Callable[[], object]) -> int:
    """How many SQL queries ``work()`` runs."""
    with CaptureQueriesContext(connection) as ctx:
        work()
    return len(ctx.captured_queries)


def page_queries(client, url: str, params: dict | None = None) -> int:
    """How many SQL queries a page or API GET runs (it must answer 200)."""

    def get() -> None:
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)

    return queries_of(get)
