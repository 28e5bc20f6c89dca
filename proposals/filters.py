"""One filterset per model, shared by the HTML lists, the API and exports.

Filters only narrow what ``visible_to`` already allows; they never widen it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals import search
from proposals.choices import (
    AssignmentStatus,
    Category,
    ReminderAudience,
    ReminderKind,
    ReminderStatus,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.choices import Kind as ProposalKind
from proposals.domain import groups
from proposals.models import Assignment, Deadline, Proposal, Reminder
from proposals.statistics import (
    FILED,
    FORWARDED,
    RECEIVED,
    ReplyStatus,
    UnitWork,
    reply_class_q,
    reply_q,
    satisfaction_q,
    unit_work_q,
)

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
        is_open=True,
        kind__in=groups.values(groups.HANDLING_DEADLINES),
        due_date__lt=timezone.localdate(),
        **outer,
    )


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of several values of one column. Without django-filter's ``distinct=True``:
    no join here repeats a row, and a DISTINCT over every column (long texts included)
    made each count sort the whole result, spilling to disk at 100k proposals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ProposalFilterSet(django_filters.FilterSet):
    state = ChoicesFilter(label=_("状态"), choices=State.choices)
    category = ChoicesFilter(label=_("类别"), choices=Category.choices)
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
    # The statistics dashboard links each figure to the list behind it: these filters
    # apply the definitions of ``proposals.statistics``, so the list counts the same.
    received = django_filters.BooleanFilter(label=_("已收到（已提交）"), method="filter_received")
    filed = django_filters.BooleanFilter(label=_("已立案"), method="filter_filed")
    forwarded = django_filters.BooleanFilter(label=_("转为意见建议"), method="filter_forwarded")
    no_sector = django_filters.BooleanFilter(
        label=_("未注明界别"), field_name="sector_id", lookup_expr="isnull"
    )
    reply = django_filters.ChoiceFilter(
        label=_("答复情况"), choices=ReplyStatus.choices, method="filter_reply"
    )
    reply_class = django_filters.CharFilter(
        label=_("答复分类（最新一轮）"), max_length=4, method="filter_reply_class"
    )
    satisfaction_communication = django_filters.ChoiceFilter(
        label=_("对沟通的满意度"), choices=Satisfaction.choices, method="filter_satisfaction"
    )
    satisfaction_result = django_filters.ChoiceFilter(
        label=_("对结果的满意度"), choices=Satisfaction.choices, method="filter_satisfaction"
    )
    unit_work = django_filters.ChoiceFilter(
        label=_("承办单位办理情况"),
        choices=UnitWork.choices,
        method="filter_unit_work",
        help_text=_("与“承办单位”一起使用时只看该单位的交办"),
    )

    class Meta:
        model = Proposal
        fields: list[str] = []

    def filter_received(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(RECEIVED) if value else queryset.exclude(RECEIVED)

    def filter_filed(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(FILED) if value else queryset.exclude(FILED)

    def filter_forwarded(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(FORWARDED) if value else queryset.exclude(FORWARDED)

    def filter_reply(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(reply_q(value))

    def filter_reply_class(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(reply_class_q(value)) if value else queryset

    def filter_satisfaction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(satisfaction_q(name.removeprefix("satisfaction_"), value))

    def filter_unit_work(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(unit_work_q(value, unit=self.form.cleaned_data.get("unit")))

    def filter_unit(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        assigned = Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=value)
        return queryset.filter(Exists(assigned))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Exists(overdue_deadlines(proposal=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Full-text search (``proposals.search``): segmented, ranked, indexed."""
        return search.matching(queryset, value)


class AssignmentFilterSet(django_filters.FilterSet):
    status = ChoicesFilter(label=_("状态"), choices=AssignmentStatus.choices)
    role = django_filters.ChoiceFilter(label=_("办理方式"), choices=UnitRole.choices)
    unit = IdFilter(label=_("承办单位"), field_name="unit_id")
    proposal = IdFilter(label=_("提案"), field_name="proposal_id")
    proposal_state = ChoicesFilter(
        label=_("提案状态"), field_name="proposal__state", choices=State.choices
    )
    overdue = django_filters.BooleanFilter(label=_("超期"), method="filter_overdue")

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Exists(overdue_deadlines(assignment=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.exclude(late)


class ReminderFilterSet(django_filters.FilterSet):
    """The reminder log (催办提醒记录): the staff page and ``/api/v1/reminders/``."""

    status = ChoicesFilter(label=_("状态"), choices=ReminderStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("提醒类型"), choices=ReminderKind.choices)
    audience = django_filters.ChoiceFilter(label=_("对象"), choices=ReminderAudience.choices)
    date_from = django_filters.DateFilter(
        label=_("提醒日期自"),
        field_name="for_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("提醒日期至"),
        field_name="for_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit = IdFilter(label=_("承办单位"), field_name="assignment__unit_id")
    proposal = IdFilter(label=_("提案"), field_name="proposal_id")
    assignment = IdFilter(label=_("交办"), field_name="assignment_id")

    class Meta:
        model = Reminder
        fields: list[str] = []
