"""A cache outage costs nothing but the cache: logins and the API's login throttle go on
(lockouts live in the database), with a warning in the log."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

PASSWORD = "pw-test-123"  # tests.factories.UserFactory


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cppcc.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_token_and_page_logins_work_while_the_cache_is_down(world, cache_down, caplog):
    staff = world.staff.username
    api = APIClient().post("/api/v1/auth/token/", {"username": staff, "password": PASSWORD})
    assert api.status_code == 200 and api.json()["token"]
    page = Client().post("/accounts/login/", {"username": staff, "password": PASSWORD})
    assert page.status_code == 302
    assert "cache unavailable" in caplog.text


def test_failed_logins_still_count_toward_a_lockout(world, cache_down):
    member = world.member.user.username
    for _ in range(5):
        APIClient().post("/api/v1/auth/token/", {"username": member, "password": "wrong"})
    locked = APIClient().post("/api/v1/auth/token/", {"username": member, "password": PASSWORD})
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(username=member).exists()
