"""Account provisioning: administrators create, edit and deactivate users.

The rules live here (not in the API) so every entry point applies the same checks: the
actor is an administrator, the account lands in the actor's committee, whatever it
points at (unit, organization, sector) belongs to that committee, and a failed request
leaves nothing half-written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from committees.models import Committee, HandlingUnit, Organization, Sector
from committees.scoping import committee_ids
from members.models import Member, User
from members.roles import Role, forget_roles, has_role
from proposals.errors import DomainError, NotPermitted

# Which profile link each role needs; any other role must not carry it.
ROLE_LINKS = {Role.MEMBER: "member", Role.UNIT: "unit", Role.COLLECTIVE: "organization"}


def _require_admin(actor: User) -> None:
    if not has_role(actor, Role.ADMIN):
        raise NotPermitted(_("只有系统管理员可以管理账号。"))


def _check_manages(actor: User, user: User) -> None:
    """The actor administers ``user``: same committee, and only superusers touch superusers."""
    _require_admin(actor)
    ids = committee_ids(actor)
    if ids is not None and (user.committee_id not in ids or user.is_superuser):
        raise NotPermitted(_("您无权管理该账号。"))


def _target_committee(actor: User, committee_id: int | None) -> Committee:
    """The committee a new account belongs to: the actor's; a superuser may choose."""
    if actor.is_superuser:
        chosen = committee_id or actor.committee_id
        if chosen is None:
            raise DomainError(_("请指定所属政协。"), field="committee")
        committee = Committee.objects.filter(pk=chosen).first()
        if committee is None:
            raise DomainError(_("所属政协不存在。"), field="committee")
        return committee
    if actor.committee_id is None:
        raise NotPermitted(_("您的账号未关联政协，不能创建账号。"))
    if committee_id is not None and committee_id != actor.committee_id:
        raise NotPermitted(_("只能在本政协内创建账号。"), field="committee")
    return actor.committee


def _owned(model, pk: int | None, committee: Committee, field: str, missing: str):
    """The row ``pk`` of ``model`` if it belongs to ``committee``; otherwise a field error."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, committee=committee).first()
    if row is None:
        # Another committee's row reads the same as a missing one: nothing leaks.
        raise DomainError(missing, field=field)
    return row


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc


def _full_clean(user: User) -> None:
    """The model's own checks (username characters, email format, lengths), as a field error."""
    try:
        user.full_clean(exclude=["password", "last_login"], validate_unique=False)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field) from exc


def _revoke_tokens(user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def provision_user(actor: User, data: dict[str, Any]) -> User:
    """Create an account with one role, and its Member row for role ``member``.

    ``data``: username, password, display_name, role, optional email, phone, committee
    (superusers only), and as the role needs: ``member`` {number, sector, party},
    ``unit`` + ``unit_position``, ``organization`` (ids).
    """
    _require_admin(actor)
    try:
        role = Role(data["role"])
    except ValueError:
        raise DomainError(_("角色无效。"), field="role") from None
    committee = _target_committee(actor, data.get("committee"))

    for other_role, field in ROLE_LINKS.items():
        if other_role != role and data.get(field) is not None:
            raise DomainError(
                _("“%(role)s”角色的账号不能指定该项。") % {"role": role.label}, field=field
            )

    username = data["username"].strip()
    if not username:
        raise DomainError(_("请填写用户名。"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("用户名已被使用。"), field="username")
    display_name = data["display_name"].strip()
    if not display_name:
        raise DomainError(_("请填写姓名。"), field="display_name")

    user = User(
        username=username,
        display_name=display_name,
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        committee=committee,
        is_staff=role == Role.ADMIN,
    )
    if role == Role.UNIT:
        if data.get("unit") is None:
            raise DomainError(_("承办单位账号须指定承办单位。"), field="unit")
        user.unit = _owned(HandlingUnit, data["unit"], committee, "unit", _("承办单位不存在。"))
        user.unit_position = data.get("unit_position") or User.UnitPosition.HANDLER
    elif data.get("unit_position"):
        raise DomainError(_("只有承办单位账号有单位职务。"), field="unit_position")
    if role == Role.COLLECTIVE:
        if data.get("organization") is None:
            raise DomainError(_("集体提案联系人须指定集体提案单位。"), field="organization")
        user.organization = _owned(
            Organization, data["organization"], committee, "organization", _("集体提案单位不存在。")
        )

    member_data = data.get("member")
    sector = None
    if role == Role.MEMBER:
        if not member_data or not (member_data.get("number") or "").strip():
            raise DomainError(_("委员账号须填写委员编号。"), field="member")
        number = member_data["number"].strip()
        if Member.objects.filter(committee=committee, number=number).exists():
            raise DomainError(
                _("委员编号 %(number)s 已被使用。") % {"number": number}, field="member"
            )
        sector = _owned(Sector, member_data.get("sector"), committee, "member", _("界别不存在。"))

    _full_clean(user)
    _check_password(data["password"], user)
    user.set_password(data["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent request took the name between the check and the insert.
        raise DomainError(_("用户名已被使用。"), field="username") from None
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    forget_roles(user)

    if role == Role.MEMBER:
        try:
            with transaction.atomic():
                Member.objects.create(
                    user=user,
                    committee=committee,
                    name=display_name,
                    number=number,
                    sector=sector,
                    party=(member_data.get("party") or "").strip(),
                    phone=user.phone,
                    email=user.email,
                )
        except IntegrityError:
            raise DomainError(
                _("委员编号 %(number)s 已被使用。") % {"number": number}, field="member"
            ) from None
    return user


@transaction.atomic
def update_user(actor: User, user: User, data: dict[str, Any]) -> User:
    """Change display_name, email, phone, password or is_active of an account.

    A new password or deactivation revokes the user's API tokens.
    """
    _check_manages(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if "display_name" in data:
        display_name = (data["display_name"] or "").strip()
        if not display_name:
            raise DomainError(_("请填写姓名。"), field="display_name")
        user.display_name = display_name
        # The member's name is the account's name: keep them the same.
        Member.objects.filter(user=user).update(name=display_name)
    for field in ("email", "phone"):
        if field in data:
            setattr(user, field, data[field] or "")
    if data.get("password"):
        _check_password(data["password"], user)
        user.set_password(data["password"])
        _revoke_tokens(user)
    if "is_active" in data and data["is_active"] != user.is_active:
        if not data["is_active"]:
            if user.pk == actor.pk:
                raise DomainError(_("不能停用自己的账号。"), field="is_active")
            _revoke_tokens(user)
        user.is_active = data["is_active"]
    _full_clean(user)
    user.save()
    forget_roles(user)
    return user


def deactivate_user(actor: User, user: User) -> User:
    """Accounts are never deleted (proposals and records point at them): they are
    switched off, and their tokens stop working at once."""
    return update_user(actor, user, {"is_active": False})
