"""While the database cannot be reached, pages answer a Chinese 503 page and the API a
JSON 503, both with Retry-After — never a traceback or "系统出现错误"."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client


@pytest.fixture
def database_down(monkeypatch):
    """The session lookup (the first query of a logged-in request) finds PostgreSQL gone."""

    def refused(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(SessionStore, "load", refused)


@pytest.fixture
def browser(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.staff)
    return client


def test_pages_answer_503_in_chinese(browser, database_down):
    response = browser.get("/proposals/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "数据库暂时无法连接" in page and "Traceback" not in page and "系统出现错误" not in page


def test_the_api_answers_json_503(browser, database_down):
    response = browser.get("/api/v1/proposals/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "数据库暂时不可用，请稍后重试。",
        "code": "database_unavailable",
    }


def test_other_errors_stay_500(browser, monkeypatch):
    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionStore, "load", broken)
    response = browser.get("/proposals/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
