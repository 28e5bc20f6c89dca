"""Account provisioning rules, below the API."""

from __future__ import annotations

import pytest

from cppcc.errors import DomainError, NotPermitted
from members import services
from members.models import ApiToken as Token
from members.models import Member, User
from members.roles import Role, roles_of
from tests.factories import SectorFactory, World

STRONG = "Qiang-Mima-2025!"


def data(role: str, **extra) -> dict:
    return {
        "username": f"svc-{role}",
        "password": STRONG,
        "display_name": "服务测试",
        "role": role,
        **extra,
    }


def test_member_is_created_with_group_and_member_row(world):
    user = services.provision_user(
        world.admin,
        data("member", phone="139", member={"number": " M-1 ", "sector": world.sector.pk}),
    )
    assert roles_of(user) == {Role.MEMBER}
    assert user.check_password(STRONG) and not user.is_staff
    member = Member.objects.get(user=user)
    assert (member.number, member.name, member.committee, member.phone) == (
        "M-1",
        "服务测试",
        world.committee,
        "139",
    )


def test_only_admin_role_gets_django_admin_access(world):
    admin = services.provision_user(world.admin, data("admin"))
    staff = services.provision_user(world.admin, data("staff"))
    assert admin.is_staff and not admin.is_superuser and not staff.is_staff


def test_unit_position_defaults_to_handler(world):
    user = services.provision_user(world.admin, data("unit", unit=world.units[0].pk))
    assert user.unit_position == User.UnitPosition.HANDLER


@pytest.mark.parametrize("who", ["staff", "supervisor", "collective"])
def test_non_administrators_are_refused(world, who):
    with pytest.raises(NotPermitted):
        services.provision_user(getattr(world, who), data("staff"))
    with pytest.raises(NotPermitted):
        services.deactivate_user(getattr(world, who), world.member.user)


def test_sector_of_another_committee_is_refused_and_nothing_written(world):
    foreign = SectorFactory()
    with pytest.raises(DomainError) as caught:
        services.provision_user(
            world.admin, data("member", member={"number": "M-2", "sector": foreign.pk})
        )
    assert caught.value.field == "member"
    assert not User.objects.filter(username="svc-member").exists()


def test_update_and_deactivate_outside_the_committee_is_refused(world):
    other = World.build(prefix="o")
    with pytest.raises(NotPermitted):
        services.update_user(world.admin, other.staff, {"display_name": "x"})
    with pytest.raises(NotPermitted):
        services.deactivate_user(world.admin, other.staff)


def test_admin_cannot_edit_a_superuser(world):
    root = User.objects.create_superuser("root", "r@example.org", STRONG, committee=world.committee)
    with pytest.raises(NotPermitted):
        services.update_user(world.admin, root, {"password": "Another-Pass-99"})


def test_deactivation_revokes_tokens_and_reactivation_needs_a_new_login(world):
    Token.objects.create(user=world.staff, key=Token.new_key())
    user = services.deactivate_user(world.admin, world.staff)
    assert not user.is_active and not Token.objects.filter(user=world.staff).exists()
    user = services.update_user(world.admin, user, {"is_active": True})
    assert user.is_active and not Token.objects.filter(user=world.staff).exists()


def test_bad_email_on_update_is_a_field_error(world):
    with pytest.raises(DomainError) as caught:
        services.update_user(world.admin, world.staff, {"email": "nope"})
    assert caught.value.field == "email"


def test_a_failure_after_the_user_insert_rolls_the_user_back(world, monkeypatch):
    """Two admins racing for one member number: the loser keeps no account."""
    from django.db import IntegrityError

    def clash(*args, **kwargs):
        raise IntegrityError("member_number_unique")

    monkeypatch.setattr(Member.objects, "create", clash)
    with pytest.raises(DomainError) as caught:
        services.provision_user(world.admin, data("member", member={"number": "M-3"}))
    assert caught.value.field == "member"
    assert not User.objects.filter(username="svc-member").exists()
