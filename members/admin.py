"""Django admin for users and members, scoped to the administrator's committee."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import ForeignKey, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from committees.admin import CommitteeScopedAdmin
from committees.models import Organization
from members.models import ApiToken, Member, User

PROFILE_FIELDS = ["display_name", "phone", "committee", "unit", "unit_position", "organization"]


@admin.register(User)
class UserAdmin(CommitteeScopedAdmin, BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "committee",
        "unit",
        "organization",
        "is_staff",
        "is_active",
    ]
    list_filter = ["committee", "groups", "unit_position", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "display_name", "phone", "email"]
    list_select_related = ["committee", "unit", "organization"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("政协信息"), {"fields": PROFILE_FIELDS}),
        (_("联系方式"), {"fields": ["email", "first_name", "last_name"]}),
        (
            _("角色与权限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("政协信息"), {"fields": [*PROFILE_FIELDS, "groups"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            # Otherwise an administrator could reset a superuser's password.
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly


@admin.register(Member)
class MemberAdmin(CommitteeScopedAdmin):
    list_display = ["number", "name", "committee", "sector", "party", "phone", "is_active"]
    list_filter = ["committee", "sector", "party", "is_active"]
    search_fields = ["name", "number", "phone", "email", "user__username"]
    list_select_related = ["committee", "sector", "user"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "special_committee":
            kwargs["queryset"] = Organization.objects.filter(
                kind=Organization.Kind.SPECIAL_COMMITTEE
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, to see who integrates and to revoke one (delete); the key stays hidden."""

    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__display_name"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
