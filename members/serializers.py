"""API representations of users and members, and the bodies of the account endpoints.

Input serializers check shapes and types only; the rules (roles, committees, password
strength, uniqueness) are in ``members.services``.
"""

from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc.api.common import RefSerializer
from members.models import Member, User
from members.roles import Role

MAX_ID = 2**63 - 1  # bigint: larger values would overflow in the database


def id_field(**kwargs) -> serializers.IntegerField:
    """A row id in a request body: a positive bigint, so no lookup overflows."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def assigned_roles(user: User) -> list[str]:
    """The role codes the account was given, in a fixed order.

    For display only: unlike ``roles_of`` (which answers permission checks), a
    deactivated account still shows the roles it holds. Reads prefetched groups.
    """
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names.add(Role.ADMIN.value)
    return [role.value for role in Role if role.value in names]


class MemberProfileSerializer(serializers.ModelSerializer):
    sector = RefSerializer(allow_null=True)

    class Meta:
        model = Member
        fields = ["id", "number", "sector", "party"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    committee = RefSerializer(allow_null=True)
    member = serializers.SerializerMethodField()
    unit = RefSerializer(allow_null=True)
    organization = RefSerializer(allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "phone",
            "roles",
            "committee",
            "member",
            "unit",
            "unit_position",
            "organization",
            "is_active",
            "last_login",
            "date_joined",
        ]

    def get_roles(self, obj: User) -> list[str]:
        return assigned_roles(obj)

    @extend_schema_field(MemberProfileSerializer(allow_null=True))
    def get_member(self, obj: User):
        member = getattr(obj, "member", None)
        return MemberProfileSerializer(member).data if member is not None else None


class MemberSerializer(serializers.ModelSerializer):
    """A member as others see them: enough to pick a co-signer, no contact details."""

    sector = RefSerializer(allow_null=True)

    class Meta:
        model = Member
        fields = ["id", "committee", "name", "number", "sector", "party", "is_active"]


# ---- request bodies ---------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MemberInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20)
    sector = id_field(required=False, allow_null=True)
    party = serializers.CharField(max_length=40, required=False, allow_blank=True)


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, trim_whitespace=False
    )
    display_name = serializers.CharField(max_length=60)
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in Role])
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    committee = id_field(required=False, help_text=_("仅超级用户可指定；默认为操作人所在政协。"))
    member = MemberInputSerializer(required=False, help_text=_("角色为 member 时必填。"))
    unit = id_field(required=False, help_text=_("角色为 unit 时必填。"))
    unit_position = serializers.ChoiceField(choices=User.UnitPosition.choices, required=False)
    organization = id_field(required=False, help_text=_("角色为 collective 时必填。"))


class UserUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=60, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}, trim_whitespace=False
    )
