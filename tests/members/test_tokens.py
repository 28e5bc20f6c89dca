"""API tokens end with the password, the account, a logout, or 30 idle days — with a clear 401."""

from __future__ import annotations

import datetime

import time_machine
from django.test import Client
from rest_framework.test import APIClient

from members import tokens
from members.models import ApiToken

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def me(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/")


def test_changing_the_password_in_the_browser_revokes_the_token(world):
    key = tokens.issue(world.member.user).key
    assert me(key).status_code == 200
    browser = Client()
    browser.force_login(world.member.user)
    changed = browser.post(
        "/accounts/password/",
        {
            "old_password": "pw-test-123",
            "new_password1": "Xin-Mima-2026!",
            "new_password2": "Xin-Mima-2026!",
        },
    )
    assert changed.status_code == 302
    refused = me(key)
    assert refused.status_code == 401 and "令牌无效或已被撤销" in refused.json()["detail"]


def test_set_password_and_deactivation_revoke_tokens_saving_other_fields_does_not(world):
    user = world.staff
    tokens.issue(user)
    user.display_name = "新名字"
    user.save()
    assert ApiToken.objects.filter(user=user).exists()
    user.set_password("Xin-Mima-2026!")
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    tokens.issue(user)
    user.is_active = False
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()


def test_logout_revokes_the_callers_token(world):
    key = tokens.issue(world.staff).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert me(key).status_code == 401


def test_tokens_expire_after_30_idle_days_and_use_keeps_them_alive(world):
    with time_machine.travel(START, tick=False) as clock:
        busy, idle = tokens.issue(world.staff).key, tokens.issue(world.member.user).key
        for _ in range(3):  # the busy one is used every 20 days
            clock.shift(datetime.timedelta(days=20))
            assert me(busy).status_code == 200
        expired = me(idle)
        assert expired.status_code == 401
        assert "超过 30 天未使用" in expired.json()["detail"]
        assert not ApiToken.objects.filter(key=idle).exists()
        fresh = tokens.issue(world.member.user).key  # logging in again gives a new one
        assert fresh != idle and me(fresh).status_code == 200


def test_disabling_password_login_revokes_the_token(world):
    tokens.issue(world.staff)
    world.staff.set_unusable_password()
    world.staff.save()
    assert not ApiToken.objects.filter(user=world.staff).exists()
