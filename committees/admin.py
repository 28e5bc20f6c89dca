"""Django admin for a committee's reference data.

Superusers see every committee; an administrator (group ``admin`` with ``is_staff``)
sees and edits only their own committee's rows (:class:`CommitteeScopedAdmin`).
Rule sets and calendar overrides are saved through ``committees.services``
so that every change is validated, logged and open due dates are recomputed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.db.models import ForeignKey, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from committees.models import (
    CalendarOverride,
    Committee,
    CommitteeEvent,
    HandlingUnit,
    Organization,
    RuleSet,
    Sector,
    Session,
    Topic,
)
from committees.scoping import committee_ids, restrict_to_committees
from committees.services import (
    delete_calendar_days,
    save_rule_set,
    set_calendar_days,
)
from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals.choices import Category


def _is_committee_owned(model: type[Model]) -> bool:
    return any(f.name == "committee" and f.is_relation for f in model._meta.get_fields())


class CommitteeScopedAdmin(admin.ModelAdmin):
    """Keeps a non-superuser administrator inside their own committee.

    Rows are filtered by ``committee_field`` (a lookup path to the committee), foreign-key
    choices are limited to the user's committee, and the committee filter, which would
    list other committees' names, is hidden from them.
    """

    committee_field = "committee"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return restrict_to_committees(queryset, request.user, self.committee_field)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        ids = committee_ids(request.user)
        related = db_field.remote_field.model
        if ids is not None and (related is Committee or _is_committee_owned(related)):
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = related._default_manager.all()
            if related is Committee:
                kwargs["queryset"] = queryset.filter(pk__in=ids)
                # Rows without a committee are global; only superusers may create those.
                kwargs["required"] = True
            else:
                kwargs["queryset"] = restrict_to_committees(queryset, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        committee_id = getattr(request.user, "committee_id", None)
        if committee_id and _is_committee_owned(self.model):
            initial.setdefault("committee", committee_id)
        return initial

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if committee_ids(request.user) is None:
            return filters
        return [f for f in filters if f not in ("committee", self.committee_field)]


class NoWritesMixin:
    """Refuses add, change and delete: for rows that only the service layer writes."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(NoWritesMixin, admin.ModelAdmin):
    """Lists and shows rows that only the service layer writes."""


class ServiceErrorsAdmin(admin.ModelAdmin):
    """Shows a DomainError raised by a service during save as a form error.

    The admin views run in a transaction, so the refused change is rolled back. The
    form is then validated again with the service's message attached to the field it
    names, so the user keeps their input and sees why; no server error.
    """

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        error: DomainError | None = getattr(request, "_service_error", None)
        if error is None:
            return form_class

        class ServiceErrorForm(form_class):  # type: ignore[valid-type, misc]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                self.add_error(error.field if error.field in self.fields else None, error.message)
                return cleaned

        return ServiceErrorForm

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            request._service_error = exc  # type: ignore[attr-defined]
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Committee)
class CommitteeAdmin(CommitteeScopedAdmin):
    committee_field = "pk"
    list_display = ["code", "name", "short_name", "level", "parent"]
    list_filter = ["level", "parent"]
    search_fields = ["code", "name", "short_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New tenants are a superuser's decision.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        if request.user.is_superuser:
            return list(super().get_readonly_fields(request, obj))
        return ["code", "level", "parent"]

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return ["level", "parent"] if request.user.is_superuser else ["level"]


@admin.register(Sector)
class SectorAdmin(CommitteeScopedAdmin):
    list_display = ["code", "name", "committee"]
    list_filter = ["committee"]
    search_fields = ["code", "name"]
    list_select_related = ["committee"]


@admin.register(Organization)
class OrganizationAdmin(CommitteeScopedAdmin):
    list_display = ["name", "kind", "sector", "committee", "is_active"]
    list_filter = ["committee", "kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["committee", "sector"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(CommitteeScopedAdmin):
    list_display = ["code", "name", "kind", "committee", "is_active"]
    list_filter = ["committee", "kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["committee"]


@admin.register(Session)
class SessionAdmin(CommitteeScopedAdmin):
    list_display = ["session_name", "committee", "plenary_start", "plenary_end"]
    list_filter = ["committee", "term"]
    date_hierarchy = "plenary_start"
    list_select_related = ["committee"]

    @admin.display(description=_("会次"), ordering="term")
    def session_name(self, obj: Session) -> str:
        return obj.name


class TopicForm(forms.ModelForm):
    # The model keeps a plain code; offer the five categories proposals use.
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)

    class Meta:
        model = Topic
        fields = ["committee", "category", "name"]


@admin.register(Topic)
class TopicAdmin(CommitteeScopedAdmin):
    form = TopicForm
    list_display = ["name", "category_label", "committee"]
    list_filter = ["committee", "category"]
    search_fields = ["name"]
    list_select_related = ["committee"]

    @admin.display(description=_("类别"), ordering="category")
    def category_label(self, obj: Topic) -> str:
        return str(dict(Category.choices).get(obj.category, obj.category))


@admin.register(RuleSet)
class RuleSetAdmin(ServiceErrorsAdmin, CommitteeScopedAdmin):
    list_display = [
        "__str__",
        "committee",
        "session",
        "version",
        "reply_months",
        "reply_max_months",
    ]
    list_filter = ["committee"]
    list_select_related = ["committee", "session"]
    readonly_fields = ["version"]
    fieldsets = [
        (_("适用范围"), {"fields": ["committee", "session", "version"]}),
        (
            _("期限"),
            {
                "fields": [
                    "reroute_window_workdays",
                    "co_opinion_months",
                    "reply_months",
                    "reply_max_months",
                    "rehandling_months",
                    "feedback_months",
                    "feedback_timeout",
                ]
            },
        ),
        (
            _("计时方式"),
            {
                "fields": [
                    "reroute_restarts_clock",
                    "extension_restarts_clock",
                    "rehandling_restarts_clock",
                ]
            },
        ),
        (
            _("审查、编号与分类"),
            {"fields": ["review_stages", "number_format", "decline_grounds", "reply_classes"]},
        ),
    ]

    def save_model(self, request: HttpRequest, obj: RuleSet, form: forms.ModelForm, change: bool):
        """Bump the version, log it and recompute open due dates, via the service."""
        save_rule_set(request.user, obj, changed=list(form.changed_data))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Deleting would change due dates without a log entry or a recomputation.
        return False


@admin.action(permissions=["delete"], description=_("删除所选节假日调整"))
def delete_selected(modeladmin: CalendarOverrideAdmin, request: HttpRequest, queryset: QuerySet):
    """Django's confirm-then-delete action; the deletion itself goes through the service."""
    try:
        return django_delete_selected(modeladmin, request, queryset)
    except DomainError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return None


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ServiceErrorsAdmin, CommitteeScopedAdmin):
    list_display = ["date", "kind", "name", "committee"]
    list_filter = ["kind", "committee"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["committee"]
    actions = [delete_selected]

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            old = CalendarOverride.objects.select_related("committee").get(pk=obj.pk)
            if (old.committee_id, old.date) != (obj.committee_id, obj.date):
                delete_calendar_days(request.user, old.committee, [old.date])
        [row] = set_calendar_days(request.user, obj.committee, [(obj.date, obj.kind, obj.name)])
        obj.pk = row.pk
        obj._state.adding = False
        obj._state.db = row._state.db

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        delete_calendar_days(request.user, obj.committee, [obj.date])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        by_committee: dict[int | None, list] = {}
        for row in queryset.select_related("committee"):
            by_committee.setdefault(row.committee_id, [row.committee, []])[1].append(row.date)
        for committee, dates in by_committee.values():
            delete_calendar_days(request.user, committee, dates)


@admin.register(CommitteeEvent)
class CommitteeEventAdmin(CommitteeScopedAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "committee", "action", "actor", "message"]
    list_filter = ["action", "committee"]
    search_fields = ["message"]
    date_hierarchy = "created_at"
    list_select_related = ["committee", "actor"]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Administrators read their committee's change log without a separate permission.
        user = request.user
        return super().has_view_permission(request, obj) or (
            user.is_staff and may(user, Capability.ADMINISTER)
        )
