"""Unit scorecard (承办单位考核评价): per handling unit, the figures a yearly assessment needs.

The period is chosen like everywhere else: proposals in the caller's statistics scope
(:func:`proposals.statistics.scoped_proposals`), narrowed by the shared
:class:`~proposals.filters.ProposalFilterSet` (``year`` of submission, ``session``).
A unit's rows are its assignments on the received proposals of that period.

Everything except the median is counted in the database, grouped by unit, in a
constant number of queries (scope, one aggregate, reply classes, rule sets, the
reply-time pairs, one calendar per committee). The median of working days to reply
needs each assignment's (assigned_on, first reply date) pair: they come in one query
and the medians are taken in Python — O(assignments of the period), a few thousand
rows a year at Taiyuan's scale. Definitions: ``docs/statistics.md``.
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.rules import reply_class_codes, rules_for_many
from committees.workcalendar import ONE_DAY, WorkCalendar
from members.capabilities import Capability, may
from proposals.choices import AssignmentStatus, Satisfaction, UnitRole
from proposals.domain import groups
from proposals.filters import ProposalFilterSet
from proposals.models import Assignment, Deadline, Feedback, Proposal, Reply, UnitOpinion
from proposals.statistics import late, latest_year, percent, received_proposals, scoped_proposals

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
CLASS_PREFIX = "class_"


# ---- the period ---------------------------------------------------------------------------


def report_committee(user, committee: int | None) -> int | None:
    """The committee a report is about: the one asked for, else the user's own.

    A report is one committee's (the city's report must not include its counties);
    only a superuser without a committee gets every committee.
    """
    return committee if committee is not None else getattr(user, "committee_id", None)


def period_proposals(
    user,
    *,
    year: int | None = None,
    session: int | None = None,
    committee: int | None = None,
) -> QuerySet[Proposal]:
    """The proposals of one committee and period that ``user`` may count.

    ``committee`` defaults to the user's own (:func:`report_committee`); one outside the
    user's statistics scope raises ``Http404``. Year and session go through the shared
    filterset, so they mean what they mean in the list, the API and exports; invalid
    values raise ``ValueError``.
    """
    proposals = scoped_proposals(user, report_committee(user, committee))
    data = {
        name: str(value)
        for name, value in (("year", year), ("session", session))
        if value is not None
    }
    filterset = ProposalFilterSet(data, queryset=proposals)
    if not filterset.is_valid():
        raise ValueError(filterset.errors)
    return filterset.qs


def default_year(user, committee: int | None = None) -> int | None:
    """The latest year with proposals of the report's committee (``statistics.latest_year``)."""
    return latest_year(scoped_proposals(user, report_committee(user, committee)))


# ---- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassShare:
    """One reply class (A/B/C as the committee configured them) in a unit's letters."""

    code: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class UnitScore:
    id: int
    code: str
    name: str
    committee: str
    assigned: int  # 交办: every assignment to the unit, re-routed ones included
    lead: int  # ... of which as lead or separate unit (主办/分办: it replies)
    co: int  # ... of which as co-handling unit (会办: it gives an opinion, no reply)
    opinions: int  # co-handling assignments whose opinion was given
    accepted: int  # 签收
    rerouted: int  # 调整出: re-routed away from the unit
    replied: int  # lead/separate assignments with a reply letter
    replied_on_time: int  # ... none of whose letters was late
    on_time_rate: float | None  # replied_on_time / replied
    overdue: int  # open reply / co-opinion deadline past due
    median_workdays: float | None  # assigned_on → first reply, working days
    letters: int  # latest-round reply letters, the base of ``classes``
    classes: tuple[ClassShare, ...]
    feedback: int  # decisive latest-round feedback on its proposals
    communication_satisfied: float | None  # share satisfied or basically satisfied
    result_satisfied: float | None
    rehandled: int  # its proposals sent back for re-handling

    def value(self, key: str):
        """A column's value by key (``class_A`` for a reply class share)."""
        if key.startswith(CLASS_PREFIX):
            code = key.removeprefix(CLASS_PREFIX)
            return next((c.share for c in self.classes if c.code == code), None)
        return getattr(self, key)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # text | int | percent | days


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("承办单位"), "text"),
    Column("assigned", gettext_lazy("交办"), "int"),
    Column("lead", gettext_lazy("其中主办/分办"), "int"),
    Column("co", gettext_lazy("其中会办"), "int"),
    Column("opinions", gettext_lazy("会办意见已提交"), "int"),
    Column("accepted", gettext_lazy("签收"), "int"),
    Column("rerouted", gettext_lazy("调整出"), "int"),
    Column("replied", gettext_lazy("已答复"), "int"),
    Column("replied_on_time", gettext_lazy("按时答复"), "int"),
    Column("on_time_rate", gettext_lazy("按时答复率(%)"), "percent"),
    Column("overdue", gettext_lazy("超期未办"), "int"),
    Column("median_workdays", gettext_lazy("答复用时中位数(工作日)"), "days"),
    # reply class shares are inserted here (see ``columns``)
    Column("feedback", gettext_lazy("反馈件数"), "int"),
    Column("communication_satisfied", gettext_lazy("沟通满意率(%)"), "percent"),
    Column("result_satisfied", gettext_lazy("结果满意率(%)"), "percent"),
    Column("rehandled", gettext_lazy("重新办理"), "int"),
)
CLASS_COLUMNS_AFTER = "median_workdays"


def columns(scores: Iterable[UnitScore]) -> list[Column]:
    """The scorecard's columns: the fixed ones with one share column per reply class."""
    scores = list(scores)
    classes = scores[0].classes if scores else ()
    result = []
    for column in COLUMNS:
        result.append(column)
        if column.key == CLASS_COLUMNS_AFTER:
            result.extend(
                Column(
                    f"{CLASS_PREFIX}{c.code}", _("%(code)s类占比(%%)") % {"code": c.code}, "percent"
                )
                for c in classes
            )
    return result


def sort_keys(class_codes: Iterable[str]) -> set[str]:
    """The whitelist of ``order`` values (each also with a leading ``-``)."""
    keys = {c.key for c in COLUMNS} | {f"{CLASS_PREFIX}{code}" for code in class_codes}
    return keys | {f"-{key}" for key in keys}


DEFAULT_ORDER = "-assigned"


def sort_scores(scores: list[UnitScore], order: str) -> list[UnitScore]:
    """Sort by one column; empty values (no replies yet) last either way, ties by code."""
    key = order.lstrip("-")
    descending = order.startswith("-")
    filled = [s for s in scores if s.value(key) is not None]
    empty = [s for s in scores if s.value(key) is None]
    filled.sort(key=lambda s: (s.code, s.id))
    filled.sort(key=lambda s: s.value(key), reverse=descending)
    empty.sort(key=lambda s: (s.code, s.id))
    return filled + empty


# ---- the computation ----------------------------------------------------------------------


def _late_replies() -> QuerySet[Reply]:
    """The outer assignment's reply letters given after the reply deadline they answered."""
    return late(Reply.objects.filter(assignment=OuterRef("pk")))


class WorkdayCounter:
    """``WorkCalendar.workdays_between`` in O(1) per pair, from cumulative counts."""

    def __init__(self, calendar: WorkCalendar, first: datetime.date, last: datetime.date):
        self.first = first
        self.cumulative = [0]
        day = first
        while day < last:
            day += ONE_DAY
            self.cumulative.append(self.cumulative[-1] + calendar.is_workday(day))

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        return self.cumulative[(end - self.first).days] - self.cumulative[(start - self.first).days]


def median_workdays(
    pairs: Iterable[tuple[int, int, datetime.date, datetime.date]],
) -> dict[int, float]:
    """Per unit, the median working days from assignment to first reply.

    ``pairs`` are (unit id, committee id, assigned_on, first reply date); each
    committee's calendar (China's holidays plus its overrides) is read once.
    """
    rows = [row for row in pairs if row[3] >= row[2]]
    by_committee: dict[int, list] = defaultdict(list)
    for row in rows:
        by_committee[row[1]].append(row)
    days: dict[int, list[int]] = defaultdict(list)
    for committee_id, items in by_committee.items():
        counter = WorkdayCounter(
            WorkCalendar.for_committee(committee_id),
            min(r[2] for r in items),
            max(r[3] for r in items),
        )
        for unit_id, _committee, assigned_on, replied_on in items:
            days[unit_id].append(counter.between(assigned_on, replied_on))
    return {unit_id: float(stats.median(values)) for unit_id, values in days.items()}


def _class_labels(committee_ids: Iterable[int]) -> dict[str, str]:
    """Reply classes (code → label) as the committees' default rule sets configure them."""
    labels: dict[str, str] = {}
    rule_sets = rules_for_many({(c, None) for c in committee_ids})
    for key in sorted(rule_sets, key=lambda k: k[0]):
        rules = rule_sets[key]
        named = {item["code"]: item.get("label") or item["code"] for item in rules.reply_classes}
        for code in reply_class_codes(rules):
            labels.setdefault(code, named[code])
    return labels


_ACTIVE = ~Q(status=AssignmentStatus.REROUTED)


def _unit_rows(assignments: QuerySet[Assignment], replying: Q, today: datetime.date) -> list[dict]:
    """Per unit, the counts of its assignments the scorecard shows (one aggregate query)."""
    decisive = Feedback.objects.filter(proposal=OuterRef("proposal"), is_decisive=True).order_by(
        "-round", "-pk"
    )
    has_reply = Q(Exists(Reply.objects.filter(assignment=OuterRef("pk"))))
    opinions = UnitOpinion.objects.filter(assignment=OuterRef("pk"))
    overdue = Deadline.objects.filter(
        assignment=OuterRef("pk"),
        is_open=True,
        kind__in=groups.values(groups.HANDLING_DEADLINES),
        due_date__lt=today,
    )
    return list(
        assignments.alias(
            fb_communication=Subquery(decisive.values("communication")[:1]),
            fb_result=Subquery(decisive.values("result")[:1]),
        )
        .values(
            "unit_id", "unit__code", "unit__name", "unit__committee_id", "unit__committee__name"
        )
        .annotate(
            n_assigned=Count("pk"),
            n_lead=Count("pk", filter=Q(role__in=groups.values(groups.REPLYING_ROLES))),
            n_co=Count("pk", filter=Q(role=UnitRole.CO)),
            n_opinions=Count("pk", filter=Q(role=UnitRole.CO) & Q(Exists(opinions))),
            n_accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            n_rerouted=Count("pk", filter=Q(status=AssignmentStatus.REROUTED)),
            n_replied=Count("pk", filter=replying & has_reply),
            n_on_time=Count("pk", filter=replying & has_reply & ~Q(Exists(_late_replies()))),
            n_overdue=Count("pk", filter=_ACTIVE & Q(Exists(overdue))),
            n_feedback=Count("pk", filter=replying & Q(fb_result__isnull=False)),
            n_communication_ok=Count("pk", filter=replying & Q(fb_communication__in=SATISFIED)),
            n_result_ok=Count("pk", filter=replying & Q(fb_result__in=SATISFIED)),
            n_rehandled=Count("pk", filter=replying & Q(proposal__handling_round__gt=1)),
        )
        .order_by()
    )


def _class_counts(replying: QuerySet[Assignment]) -> dict[int, dict[str, int]]:
    """Per unit, its reply letters by class: each replying assignment's latest round."""
    newer = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, code, n in (
        Reply.objects.filter(assignment__in=replying.values("pk"))
        .filter(~Exists(newer))
        .values_list("assignment__unit_id", "classification")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[unit_id][code] = n
    return counts


def _score(
    row: dict,
    counts: dict[str, int],
    codes: list[str],
    labels: dict[str, str],
    medians: dict[int, float],
) -> UnitScore:
    letters = sum(counts.values())
    return UnitScore(
        id=row["unit_id"],
        code=row["unit__code"],
        name=row["unit__name"],
        committee=row["unit__committee__name"],
        assigned=row["n_assigned"],
        lead=row["n_lead"],
        co=row["n_co"],
        opinions=row["n_opinions"],
        accepted=row["n_accepted"],
        rerouted=row["n_rerouted"],
        replied=row["n_replied"],
        replied_on_time=row["n_on_time"],
        on_time_rate=percent(row["n_on_time"], row["n_replied"]),
        overdue=row["n_overdue"],
        median_workdays=medians.get(row["unit_id"]),
        letters=letters,
        classes=tuple(
            ClassShare(code, labels.get(code, code), n, percent(n, letters))
            for code in codes
            for n in [counts.get(code, 0)]
        ),
        feedback=row["n_feedback"],
        communication_satisfied=percent(row["n_communication_ok"], row["n_feedback"]),
        result_satisfied=percent(row["n_result_ok"], row["n_feedback"]),
        rehandled=row["n_rehandled"],
    )


def unit_scorecard(
    user,
    *,
    year: int | None = None,
    session: int | None = None,
    committee: int | None = None,
    order: str | None = None,
    today: datetime.date | None = None,
) -> list[UnitScore]:
    """One row per handling unit with assignments in the period, sorted by ``order``.

    Staff, administrators and supervisors get every unit of the committee; a unit's own
    users get their unit's row only (everybody else gets what ``visible_to`` shows
    them, i.e. nothing assigned). ``order`` is a column key, ``-`` for descending,
    checked against :func:`sort_keys` (``ValueError`` otherwise); default: most
    assigned first. ``today`` decides what is overdue.
    """
    today = today or timezone.localdate()
    proposals = period_proposals(user, year=year, session=session, committee=committee)
    assignments = Assignment.objects.filter(proposal__in=received_proposals(proposals).values("pk"))
    if not may(user, Capability.SEE_STATISTICS):
        assignments = assignments.filter(unit_id=getattr(user, "unit_id", None))

    replying = _ACTIVE & Q(role__in=groups.values(groups.REPLYING_ROLES))
    rows = _unit_rows(assignments, replying, today)
    class_counts = _class_counts(assignments.filter(replying))
    committee_ids = {row["unit__committee_id"] for row in rows}
    if report_committee(user, committee) is not None:
        committee_ids.add(report_committee(user, committee))
    labels = _class_labels(committee_ids)
    found = {code for counts in class_counts.values() for code in counts}
    codes = list(labels) + sorted(found - set(labels))
    pairs = (
        assignments.filter(replying)
        .annotate(first_reply=Min("replies__reply_date"))
        .filter(first_reply__isnull=False)
        .values_list("unit_id", "proposal__committee_id", "assigned_on", "first_reply")
        .order_by()
    )
    medians = median_workdays(pairs) if rows else {}
    scores = [
        _score(row, class_counts.get(row["unit_id"], {}), codes, labels, medians) for row in rows
    ]
    order = order or DEFAULT_ORDER
    if order not in sort_keys(codes):
        raise ValueError(_("无效的排序字段：%(order)s") % {"order": order})
    return sort_scores(scores, order)
