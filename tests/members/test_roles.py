"""Roles are Django groups, read in one place and cached per user object."""

from members.roles import Role, has_role, roles_of
from tests.factories import UserFactory


def test_roles_come_from_groups_and_superuser_is_admin(db, django_user_model):
    staff = UserFactory(roles=[Role.STAFF, Role.SUPERVISOR])
    assert roles_of(staff) == {Role.STAFF, Role.SUPERVISOR}
    assert has_role(staff, Role.SUPERVISOR) and not has_role(staff, Role.UNIT)
    root = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    assert roles_of(root) == {Role.ADMIN}


def test_inactive_and_anonymous_users_have_no_roles(db):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory(roles=[Role.STAFF])
    user.is_active = False
    assert roles_of(user) == frozenset()
    assert roles_of(AnonymousUser()) == frozenset()
    assert roles_of(None) == frozenset()


def test_role_lookups_are_cached_on_the_user(db, django_assert_num_queries):
    user = UserFactory(roles=[Role.MEMBER])
    roles_of(user)
    with django_assert_num_queries(0):
        assert has_role(user, Role.MEMBER)
