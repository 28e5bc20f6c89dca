"""One filterset per model, shared by the HTML lists, the API and exports.

Filters only narrow what ``visible_to`` already allows; they never widen it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.choices import AssignmentStatus, Category, DeadlineKind, Source, State, UnitRole
from proposals.choices import Kind as ProposalKind
from proposals.models import Assignment, Deadline, Proposal

HANDLING_KINDS = (DeadlineKind.REPLY, DeadlineKind.CO_OPINION)
MAX_ID = 2**63 - 1  # bigint: larger values would overflow in the database


class IdFilter(django_filters.NumberFilter):
    """A whole-number id: decimals, zero and out-of-range values are a 400, not a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1949, max_value=2100, **kwargs)


def overdue_deadlines(**outer) -> QuerySet[Deadline]:
    """Open reply/opinion deadlines already past, correlated by ``outer`` lookups."""
    return Deadline.objects.filter(
        is_open=True, kind__in=HANDLING_KINDS, due_date__lt=timezone.localdate(), **outer
    )


class ProposalFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=State.choices)
    category = django_filters.MultipleChoiceFilter(label=_("类别"), choices=Category.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Source.choices)
    kind = django_filters.ChoiceFilter(label=_("提案类型"), choices=ProposalKind.choices)
    committee = IdFilter(label=_("政协"), field_name="committee_id")
    session = IdFilter(label=_("会次"), field_name="session_id")
    year = YearFilter(label=_("提交年份"), field_name="submitted_at", lookup_expr="year")
    sector = IdFilter(label=_("界别"), field_name="sector_id")
    organization = IdFilter(label=_("集体提案单位"), field_name="organization_id")
    unit = IdFilter(label=_("承办单位"), method="filter_unit")
    key = django_filters.BooleanFilter(label=_("重点提案"), field_name="is_key")
    overdue = django_filters.BooleanFilter(label=_("超期"), method="filter_overdue")
    q = django_filters.CharFilter(label=_("搜索"), method="filter_text")

    class Meta:
        model = Proposal
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        assigned = Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=value)
        return queryset.filter(Exists(assigned))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Exists(overdue_deadlines(proposal=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(number__icontains=value)
            | Q(background__icontains=value)
            | Q(suggestions__icontains=value)
        )


class AssignmentFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=AssignmentStatus.choices)
    role = django_filters.ChoiceFilter(label=_("办理方式"), choices=UnitRole.choices)
    unit = IdFilter(label=_("承办单位"), field_name="unit_id")
    proposal = IdFilter(label=_("提案"), field_name="proposal_id")
    proposal_state = django_filters.MultipleChoiceFilter(
        label=_("提案状态"), field_name="proposal__state", choices=State.choices
    )
    overdue = django_filters.BooleanFilter(label=_("超期"), method="filter_overdue")

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Exists(overdue_deadlines(assignment=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.exclude(late)
