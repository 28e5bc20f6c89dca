"""Accounts over HTTP: token login (and its throttle), /me/, and administrators'
user management."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from members.models import ApiToken as Token
from members.models import Member, User
from tests.api.conftest import errors_of

PASSWORD = "pw-test-123"
STRONG = "Qiang-Mima-2025!"
_addresses = itertools.count(1)


@pytest.fixture
def login(db):
    """``login(username, password, **extra)`` → the response, from an address of this
    test's own, so the throttle starts empty and no other test shares it."""
    address = f"198.51.100.{next(_addresses) % 250 + 1}"
    key = f"throttle_login_{address}"
    cache.delete(key)
    client = APIClient(REMOTE_ADDR=address)

    def post(username: str, password: str, **extra):
        return client.post(
            "/api/v1/auth/token/", {"username": username, "password": password}, **extra
        )

    yield post
    cache.delete(key)


def authenticated(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# ---- token ------------------------------------------------------------------------------


def test_token_is_issued_for_right_credentials_and_authenticates(world, login):
    response = login(world.staff.username, PASSWORD)
    assert response.status_code == 200, response.data
    token = response.data["token"]
    assert Token.objects.get(user=world.staff).key == token
    me = authenticated(token).get("/api/v1/me/")
    assert me.status_code == 200 and me.data["username"] == world.staff.username
    world.staff.refresh_from_db()
    assert world.staff.last_login is not None


def test_wrong_password_unknown_user_and_inactive_user_get_400(world, login):
    world.supervisor.is_active = False
    world.supervisor.save()
    for username, password in [
        (world.staff.username, "wrong"),
        ("nobody", PASSWORD),
        (world.supervisor.username, PASSWORD),
    ]:
        response = login(username, password)
        assert response.status_code == 400
        assert response.data["code"] == "invalid" and "non_field_errors" in response.data["errors"]
    assert not Token.objects.exists()


def test_missing_fields_name_the_field(world, login):
    errors = errors_of(APIClient().post("/api/v1/auth/token/", {"username": "x"}))
    assert "password" in errors


def test_failed_logins_are_throttled_per_address(world, login):
    """The settings' rate (10 failures a minute) holds, forged X-Forwarded-For or not.

    Different usernames each time, so the per-username lock (django-axes) stays out of it.
    """
    for i in range(10):
        forged = {"HTTP_X_FORWARDED_FOR": f"10.0.0.{i}"}
        assert login(f"guess{i}", "wrong", **forged).status_code == 400
    blocked = login(world.staff.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert blocked.status_code == 429
    assert blocked.data["code"] == "throttled" and blocked.data["detail"]
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="192.0.2.77")
    cache.delete("throttle_login_192.0.2.77")
    ok = other.post("/api/v1/auth/token/", {"username": world.staff.username, "password": PASSWORD})
    cache.delete("throttle_login_192.0.2.77")
    assert ok.status_code == 200


def test_successful_logins_are_not_counted(world, login):
    """An office behind one address logs in all morning without being throttled."""
    for _ in range(15):
        assert login(world.staff.username, PASSWORD).status_code == 200
    assert login("nobody", "wrong").status_code == 400


def test_throttle_rate_comes_from_settings(world, login, settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"login": "2/min"}
    with override_settings(REST_FRAMEWORK=rest):
        assert login("a", "wrong").status_code == 400
        assert login("b", "wrong").status_code == 400
        assert login(world.staff.username, PASSWORD).status_code == 429


def test_unauthenticated_and_bad_token_get_401_json(world):
    for client in (APIClient(), authenticated("not-a-token")):
        for url in ("/api/v1/me/", "/api/v1/users/", "/api/v1/units/"):
            response = client.get(url)
            assert response.status_code == 401, url
            assert set(response.data) == {"detail", "code"} and response.data["detail"]


# ---- /me/ -------------------------------------------------------------------------------


def test_me_for_a_member(world, as_user):
    data = as_user(world.member.user).get("/api/v1/me/").data
    assert data["roles"] == ["member"]
    assert data["committee"] == {"id": world.committee.pk, "name": world.committee.name}
    assert data["member"] == {
        "id": world.member.pk,
        "number": world.member.number,
        "sector": {"id": world.sector.pk, "name": "经济界"},
        "party": world.member.party,
    }
    assert data["unit"] is None and data["organization"] is None


def test_me_for_a_unit_handler_and_a_collective_contact(world, as_user):
    unit = as_user(world.lead_handler).get("/api/v1/me/").data
    assert unit["roles"] == ["unit"] and unit["member"] is None
    assert unit["unit"] == {"id": world.units[0].pk, "name": world.units[0].name}
    collective = as_user(world.collective).get("/api/v1/me/").data
    assert collective["roles"] == ["collective"]
    assert collective["organization"] == {
        "id": world.organization.pk,
        "name": world.organization.name,
    }
    assert collective["unit"] is None


# ---- provisioning -----------------------------------------------------------------------


def new_user(role: str, **extra) -> dict:
    return {
        "username": f"new-{role}",
        "password": STRONG,
        "display_name": "新用户",
        "role": role,
        **extra,
    }


def test_admin_provisions_a_member_who_can_then_log_in(world, as_user, login):
    body = new_user(
        "member",
        email="m@example.org",
        member={"number": "M-900", "sector": world.sector.pk, "party": "民盟"},
    )
    response = as_user(world.admin).post("/api/v1/users/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["roles"] == ["member"]
    assert response.data["committee"]["id"] == world.committee.pk
    assert response.data["member"]["number"] == "M-900"
    member = Member.objects.get(user__username="new-member")
    assert (member.name, member.committee, member.sector, member.party) == (
        "新用户",
        world.committee,
        world.sector,
        "民盟",
    )
    assert not member.user.is_staff
    assert login("new-member", STRONG).status_code == 200


@pytest.mark.parametrize(
    ("role", "extra", "check"),
    [
        ("unit", {"unit_position": "leader"}, lambda u, w: u.unit == w.units[1]),
        ("collective", {}, lambda u, w: u.organization == w.organization),
        ("staff", {}, lambda u, w: not u.is_staff),
        ("supervisor", {}, lambda u, w: not u.is_staff),
        ("admin", {}, lambda u, w: u.is_staff and not u.is_superuser),
    ],
)
def test_admin_provisions_every_other_role(world, as_user, role, extra, check):
    if role == "unit":
        extra = {**extra, "unit": world.units[1].pk}
    if role == "collective":
        extra = {**extra, "organization": world.organization.pk}
    response = as_user(world.admin).post("/api/v1/users/", new_user(role, **extra), format="json")
    assert response.status_code == 201, response.data
    user = User.objects.get(username=f"new-{role}")
    assert response.data["roles"] == [role]
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert user.committee == world.committee and check(user, world)
    assert not Member.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", ["staff", "supervisor", "member", "lead_handler"])
def test_only_administrators_manage_users(world, as_user, who):
    person = getattr(world, who)
    client = as_user(getattr(person, "user", person))
    before = User.objects.count()
    created = client.post("/api/v1/users/", new_user("staff"), format="json")
    assert created.status_code == 403 and created.data["code"] == "permission_denied"
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get(f"/api/v1/users/{world.staff.pk}/").status_code == 403
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_user("chairman"), "role"),
        (new_user("staff", password="123"), "password"),
        (new_user("staff", password="new-staff"), "password"),  # like the username
        (new_user("staff", username="bad name!"), "username"),
        (new_user("staff", email="not-an-email"), "email"),
        (new_user("member"), "member"),
        (new_user("unit"), "unit"),
        (new_user("collective"), "organization"),
        (new_user("staff", unit=1), "unit"),
        (new_user("staff", display_name="  "), "display_name"),
    ],
)
def test_invalid_provisioning_names_the_field_and_writes_nothing(world, as_user, body, field):
    before = (User.objects.count(), Member.objects.count())
    response = as_user(world.admin).post("/api/v1/users/", body, format="json")
    assert field in errors_of(response), response.data
    assert (User.objects.count(), Member.objects.count()) == before


def test_duplicate_username_is_a_field_error(world, as_user):
    body = new_user("staff", username=world.staff.username.upper())
    assert "username" in errors_of(as_user(world.admin).post("/api/v1/users/", body))


def test_references_must_belong_to_the_admins_committee(world, elsewhere, as_user):
    client = as_user(world.admin)
    foreign_unit = new_user("unit", unit=elsewhere.units[0].pk)
    assert "unit" in errors_of(client.post("/api/v1/users/", foreign_unit, format="json"))
    foreign_org = new_user("collective", organization=elsewhere.organization.pk)
    assert "organization" in errors_of(client.post("/api/v1/users/", foreign_org, format="json"))
    foreign_sector = new_user("member", member={"number": "X1", "sector": elsewhere.sector.pk})
    assert "member" in errors_of(client.post("/api/v1/users/", foreign_sector, format="json"))
    assert not User.objects.filter(username__startswith="new-").exists()
    other_committee = new_user("staff", committee=elsewhere.committee.pk)
    refused = client.post("/api/v1/users/", other_committee, format="json")
    assert refused.status_code == 403


def test_member_number_already_used_leaves_no_user_behind(world, as_user):
    body = new_user("member", member={"number": world.member.number})
    assert "member" in errors_of(as_user(world.admin).post("/api/v1/users/", body, format="json"))
    assert not User.objects.filter(username="new-member").exists()


def test_superuser_provisions_into_any_committee(world, elsewhere, as_user):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    body = new_user("unit", committee=elsewhere.committee.pk, unit=elsewhere.units[0].pk)
    response = as_user(root).post("/api/v1/users/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["committee"]["id"] == elsewhere.committee.pk
    missing = new_user("staff", username="no-committee")
    assert "committee" in errors_of(as_user(root).post("/api/v1/users/", missing, format="json"))


# ---- listing, editing, deactivating -----------------------------------------------------


def test_user_list_is_the_admins_committee_only(world, elsewhere, as_user):
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    rows = as_user(world.admin).get("/api/v1/users/", {"page_size": 200}).data["results"]
    ids = {row["id"] for row in rows}
    assert world.staff.pk in ids and world.member.user.pk in ids
    assert elsewhere.staff.pk not in ids
    assert not User.objects.filter(pk__in=ids, is_superuser=True).exists()
    assert as_user(world.admin).get(f"/api/v1/users/{elsewhere.staff.pk}/").status_code == 404
    staff_only = as_user(world.admin).get("/api/v1/users/", {"role": "staff"}).data["results"]
    assert [row["id"] for row in staff_only] == [world.staff.pk]


def test_superuser_lists_every_committee(world, elsewhere, as_user):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    count = as_user(root).get("/api/v1/users/").data["count"]
    assert count == User.objects.count()


def test_patch_changes_profile_and_password(world, as_user, login):
    old = Token.objects.create(user=world.member.user, key=Token.new_key())
    response = as_user(world.admin).patch(
        f"/api/v1/users/{world.member.user.pk}/",
        {"display_name": "改名", "phone": "13800000000", "password": STRONG},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["display_name"] == "改名" and response.data["phone"] == "13800000000"
    world.member.refresh_from_db()
    assert world.member.name == "改名"
    assert not Token.objects.filter(pk=old.pk).exists()
    assert login(world.member.user.username, STRONG).status_code == 200
    weak = as_user(world.admin).patch(
        f"/api/v1/users/{world.member.user.pk}/", {"password": "1"}, format="json"
    )
    assert "password" in errors_of(weak)


def test_put_is_not_allowed(world, as_user):
    response = as_user(world.admin).put(
        f"/api/v1/users/{world.staff.pk}/", {"display_name": "x"}, format="json"
    )
    assert response.status_code == 405


def test_deactivate_stops_the_token_and_delete_is_405(world, as_user):
    victim = as_user(world.staff)
    assert victim.get("/api/v1/me/").status_code == 200
    admin = as_user(world.admin)
    assert admin.delete(f"/api/v1/users/{world.staff.pk}/").status_code == 405
    response = admin.post(f"/api/v1/users/{world.staff.pk}/deactivate/")
    assert response.status_code == 200 and response.data["is_active"] is False
    assert response.data["roles"] == ["staff"]  # still shown while inactive
    assert victim.get("/api/v1/me/").status_code == 401
    world.staff.refresh_from_db()
    assert not world.staff.is_active and User.objects.filter(pk=world.staff.pk).exists()


def test_admin_cannot_deactivate_themselves(world, as_user):
    response = as_user(world.admin).post(f"/api/v1/users/{world.admin.pk}/deactivate/")
    assert "is_active" in errors_of(response)
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_admin_of_another_committee_cannot_touch_the_account(world, elsewhere, as_user):
    client = as_user(elsewhere.admin)
    url = f"/api/v1/users/{world.staff.pk}/"
    assert client.patch(url, {"display_name": "x"}, format="json").status_code == 404
    assert client.post(f"{url}deactivate/").status_code == 404
    world.staff.refresh_from_db()
    assert world.staff.is_active and world.staff.display_name != "x"
