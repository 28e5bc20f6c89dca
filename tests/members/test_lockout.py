"""Login protection on every door (HTML login, admin login, API token): a username locks
after 5 failures from anywhere, an address after its own higher limit; only failures
count; the lock explains the wait in Chinese; an administrator can lift it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from members.models import User
from tests.factories import UserFactory

PASSWORD = "pw-test-123"
LOCKED = "登录失败次数过多"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_clock_and_fresh_throttle():
    """Fixed time, and the API's per-address throttle (in Redis) out of the way."""
    cache.delete("throttle_login_127.0.0.1")
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
    cache.delete("throttle_login_127.0.0.1")


def html_login(
    username: str, password: str, door: str = "/accounts/login/", address: str = "127.0.0.1"
):
    client = Client(REMOTE_ADDR=address)
    response = client.post(door, {"username": username, "password": password})
    return response, client


def token_login(username: str, password: str):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_six_wrong_passwords_lock_the_username_but_not_the_office(world):
    for _ in range(6):
        response, _client = html_login(world.staff.username, "wrong")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    right, client = html_login(world.staff.username, PASSWORD)
    assert right.status_code == 429 and not logged_in(client)
    page = right.content.decode()
    assert "请在 15 分钟后再试" in page and right["Retry-After"] == "900"
    # A colleague behind the same address logs in as usual.
    colleague, client = html_login(world.member.user.username, PASSWORD)
    assert colleague.status_code == 302 and logged_in(client)


def test_the_lock_lifts_after_the_cool_off(world, fixed_clock_and_fresh_throttle):
    for _ in range(5):
        html_login(world.staff.username, "wrong")
    fixed_clock_and_fresh_throttle.shift(datetime.timedelta(minutes=10))
    assert "请在 5 分钟后再试" in html_login(world.staff.username, PASSWORD)[0].content.decode()
    fixed_clock_and_fresh_throttle.shift(datetime.timedelta(minutes=6))
    assert html_login(world.staff.username, PASSWORD)[0].status_code == 302


def test_successful_logins_never_count(world):
    for _ in range(20):
        assert html_login(world.staff.username, PASSWORD)[0].status_code == 302
    assert not AccessAttempt.objects.exists()


def test_an_address_locks_after_its_own_limit(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for i in range(8):
        html_login(f"guess{i}", "wrong", address="203.0.113.9")
    assert html_login(world.staff.username, PASSWORD, address="203.0.113.9")[0].status_code == 429
    assert html_login(world.staff.username, PASSWORD, address="198.51.100.1")[0].status_code == 302


def test_the_admin_login_is_protected_too(world):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    for _ in range(6):
        html_login("root", "wrong", door="/admin/login/")
    right, client = html_login("root", PASSWORD, door="/admin/login/")
    assert right.status_code == 429 and LOCKED in right.content.decode() and not logged_in(client)
    other = UserFactory(is_staff=True, is_superuser=True)
    assert html_login(other.username, PASSWORD, door="/admin/login/")[0].status_code == 302
    assert root.pk


def test_the_token_endpoint_is_protected_too(world):
    for _ in range(6):
        token_login(world.staff.username, "wrong")
    right = token_login(world.staff.username, PASSWORD)
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out" and LOCKED in right.json()["detail"]
    assert token_login(world.member.user.username, PASSWORD).status_code == 200


def test_an_administrator_unlocks_from_the_admin(world):
    for _ in range(5):
        html_login(world.staff.username, "wrong")
    attempt = AccessAttempt.objects.get(username=world.staff.username)
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = Client()
    admin.force_login(root)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert html_login(world.staff.username, PASSWORD)[0].status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(world, settings):
    """With NUM_PROXIES=1 every request comes from nginx: the lock follows the client
    address nginx appended, and a forged entry before it changes nothing."""
    settings.NUM_PROXIES = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3

    def via_proxy(username, password, client_address, forged=""):
        client = Client(REMOTE_ADDR="172.18.0.5")
        chain = f"{forged}, {client_address}" if forged else client_address
        return client.post(
            "/accounts/login/",
            {"username": username, "password": password},
            HTTP_X_FORWARDED_FOR=chain,
        )

    for i in range(3):
        via_proxy(f"guess{i}", "wrong", "203.0.113.9", forged=f"10.9.9.{i}")
    assert via_proxy(world.staff.username, PASSWORD, "203.0.113.9").status_code == 429
    assert via_proxy(world.staff.username, PASSWORD, "198.51.100.1").status_code == 302
