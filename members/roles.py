"""Roles, as Django groups, and the one place that answers "does this user have role X".

Every permission check in the service layer, views and API goes through
:func:`roles_of` / :func:`has_role`; the group memberships are read once per
user object and cached on it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from members.models import User


class Role(StrEnum):
    MEMBER = "member"
    COLLECTIVE = "collective"
    STAFF = "staff"
    UNIT = "unit"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.MEMBER: _("政协委员"),
    Role.COLLECTIVE: _("集体提案联系人"),
    Role.STAFF: _("提案委员会工作人员"),
    Role.UNIT: _("承办单位工作人员"),
    Role.SUPERVISOR: _("督办领导"),
    Role.ADMIN: _("系统管理员"),
}

# Those who write proposals of their own (members, collective proposers' contacts).
WRITERS = frozenset({Role.MEMBER, Role.COLLECTIVE})

_CACHE_ATTR = "_cppcc_roles"


def roles_of(user: User | None) -> frozenset[Role]:
    """The user's roles; a superuser is an administrator. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(Role(name) for name in names if name in Role._value2member_map_)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role(user: User | None, *roles: Role) -> bool:
    """True when the user has any of ``roles``."""
    return bool(roles_of(user).intersection(roles))


def forget_roles(user: User) -> None:
    """Drop the cached roles after group membership changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
