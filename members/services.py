"""Account provisioning: administrators create, edit and deactivate users.

The rules live here (not in the API) so every entry point applies the same checks: the
actor is an administrator, the account lands in the actor's committee, whatever it
points at (unit, organization, sector) belongs to that committee, and a failed request
leaves nothing half-written.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from committees.models import Committee, HandlingUnit, Organization, Sector
from committees.scoping import committee_ids
from cppcc.errors import DomainError, NotPermitted
from members.capabilities import Capability, may
from members.models import Member, User
from members.roles import Role, forget_roles

# Which profile link each role needs; any other role must not carry it.
ROLE_LINKS = {Role.MEMBER: "member", Role.UNIT: "unit", Role.COLLECTIVE: "organization"}


def _require_admin(actor: User) -> None:
    if not may(actor, Capability.ADMINISTER):
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
    _link_to_role(user, role, data, committee)
    member = _member_fields(data.get("member"), committee) if role == Role.MEMBER else None

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

    if member is not None:
        try:
            with transaction.atomic():
                Member.objects.create(
                    user=user,
                    committee=committee,
                    name=display_name,
                    phone=user.phone,
                    email=user.email,
                    **member,
                )
        except IntegrityError:
            raise DomainError(
                _("委员编号 %(number)s 已被使用。") % {"number": member["number"]}, field="member"
            ) from None
    return user


def _link_to_role(user: User, role: Role, data: dict[str, Any], committee) -> None:
    """The unit of a unit account, the organisation of a collective's contact."""
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


def _member_fields(member_data: dict | None, committee) -> dict[str, Any]:
    """A member account's Member row (number, sector, party), checked before anything is saved."""
    if not member_data or not (member_data.get("number") or "").strip():
        raise DomainError(_("委员账号须填写委员编号。"), field="member")
    number = member_data["number"].strip()
    if Member.objects.filter(committee=committee, number=number).exists():
        raise DomainError(_("委员编号 %(number)s 已被使用。") % {"number": number}, field="member")
    sector = _owned(Sector, member_data.get("sector"), committee, "member", _("界别不存在。"))
    return {"number": number, "sector": sector, "party": (member_data.get("party") or "").strip()}


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
        user.set_password(data["password"])  # the save revokes the user's API tokens
    if "is_active" in data and data["is_active"] != user.is_active:
        if not data["is_active"] and user.pk == actor.pk:
            raise DomainError(_("不能停用自己的账号。"), field="is_active")
        user.is_active = data["is_active"]
    _full_clean(user)
    user.save()
    forget_roles(user)
    return user


def deactivate_user(actor: User, user: User) -> User:
    """Accounts are never deleted (proposals and records point at them): they are
    switched off, and their tokens stop working at once."""
    return update_user(actor, user, {"is_active": False})


class ImportRowError(DomainError):
    """A row of a bulk import was refused; ``line`` is its line in the sheet."""

    def __init__(self, message: str, line: int, field: str | None = None):
        super().__init__(
            _("第 %(line)s 行：%(message)s") % {"line": line, "message": message}, field
        )
        self.line = line


# No 0/O, 1/l/I: initial passwords are read off a screen or a printout.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def generate_initial_password(length: int = 12) -> str:
    """A random password with letters and digits, for accounts made in bulk."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _import_unit(committee: Committee, spec: dict[str, str], made: dict[str, HandlingUnit]):
    """The unit ``spec`` names (code, name, kind), created in ``committee`` if it is new."""
    code = spec["code"]
    if code in made:
        return made[code]
    unit = HandlingUnit.objects.filter(committee=committee, code=code).first()
    if unit is not None:
        if unit.name != spec["name"]:
            raise DomainError(
                _("单位代码 %(c)s 已对应“%(n)s”。") % {"c": code, "n": unit.name}, field="unit"
            )
    else:
        unit = HandlingUnit(committee=committee, code=code, name=spec["name"], kind=spec["kind"])
        try:
            unit.full_clean()
            with transaction.atomic():
                unit.save()
        except DjangoValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="unit") from exc
        except IntegrityError:
            raise DomainError(_("承办单位代码或名称已存在。"), field="unit") from None
    made[code] = unit
    return unit


@transaction.atomic
def provision_many(actor: User, rows: list[dict[str, Any]]) -> list[tuple[User, str]]:
    """Create every account in ``rows``, or none: the bulk import's write step.

    Each row is :func:`provision_user`'s ``data``, plus optionally ``line`` (its line
    in the sheet, for messages) and, for unit accounts, ``new_unit`` {code, name, kind}
    instead of ``unit``: that unit is created in the actor's committee (once, however
    many rows name it). Rows without a password get a generated initial password; the
    pairs (user, initial password) are returned so they can be shown once. The first
    refused row raises :class:`ImportRowError` and everything is rolled back.
    """
    _require_admin(actor)
    committee = _target_committee(actor, None)
    made_units: dict[str, HandlingUnit] = {}
    created: list[tuple[User, str]] = []
    for index, row in enumerate(rows, start=1):
        data = dict(row)
        line = data.pop("line", index)
        try:
            new_unit = data.pop("new_unit", None)
            if new_unit is not None:
                data["unit"] = _import_unit(committee, new_unit, made_units).pk
            data["password"] = data.get("password") or generate_initial_password()
            user = provision_user(actor, data)
        except DomainError as exc:
            raise ImportRowError(exc.message, line, exc.field) from exc
        created.append((user, data["password"]))
    return created
