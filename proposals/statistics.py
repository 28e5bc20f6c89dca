"""Proposal statistics: one computation for the API, the dashboard and the annual report.

Everything is counted in the database with aggregates over a proposal queryset the
caller has already scoped and filtered; nothing loads proposals into Python, and the
number of queries does not depend on the amount of data.

Definitions (the annual report's wording):

* **received** (收到提案): submitted proposals, i.e. not drafts and with a submission
  time; the period filter (year / session) is applied by the caller's filterset.
* **filed** (立案): received proposals that have a filing number. Merged, declined and
  withdrawn proposals have none. ``filing_rate`` = filed / received.
* **shares** are percentages rounded half-up to two decimals (83.18), ``None`` when
  the denominator is zero.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import DEFAULT_REPLY_CLASSES, Committee, RuleSet
from committees.scoping import statistics_committee_ids
from members.roles import Role, has_role
from proposals.choices import (
    AssignmentStatus,
    Category,
    DeadlineKind,
    Kind,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.filters import HANDLING_KINDS
from proposals.models import Assignment, Deadline, Feedback, Proposal, Reply

REPLYING_ROLES = (UnitRole.LEAD, UnitRole.SEPARATE)
# Assignments whose unit has delivered its part of the current round.
DELIVERED = (AssignmentStatus.REPLIED, AssignmentStatus.OPINION_GIVEN)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, half-up to two decimals, as the report prints it."""
    if not whole:
        return None
    return float((Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, ROUND_HALF_UP))


# ---- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One value of a breakdown: its count and its share of the breakdown's base."""

    value: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class Split:
    """One value of a breakdown of received proposals, with how many of them were filed."""

    value: str
    label: str
    received: int
    filed: int
    filed_share: float | None  # share of all filed proposals


@dataclass(frozen=True)
class Group:
    """Received and filed for one committee or sector."""

    id: int | None
    name: str
    received: int
    filed: int
    filing_rate: float | None


@dataclass(frozen=True)
class UnitLoad:
    """One handling unit's work on the proposals counted."""

    id: int
    name: str
    assigned: int
    replied: int
    overdue: int


@dataclass(frozen=True)
class Replies:
    replied: int
    on_time: int
    on_time_rate: float | None
    classes: list[Share]


@dataclass(frozen=True)
class Satisfactions:
    responses: int
    communication: list[Share]
    result: list[Share]


@dataclass(frozen=True)
class Statistics:
    received: int
    filed: int
    filing_rate: float | None
    overdue: int
    by_state: list[Share]
    by_category: list[Split]
    by_source: list[Split]
    by_kind: list[Split]
    replies: Replies
    satisfaction: Satisfactions
    units: list[UnitLoad]
    sectors: list[Group]
    committees: list[Group]


# ---- scope --------------------------------------------------------------------------------


def scoped_proposals(user, committee: int | None = None) -> QuerySet[Proposal]:
    """The proposals whose aggregates ``user`` may see, optionally one committee's only.

    Staff, administrators and supervisors count whole committees — their own and, for
    a city committee, its counties (``statistics_committee_ids``); they see aggregates
    of the counties, never their proposals. Everybody else counts what
    ``visible_to`` shows them. A ``committee`` outside the user's statistics scope
    raises ``Http404``, so its existence is not revealed.
    """
    ids = statistics_committee_ids(user)
    if committee is not None:
        allowed = committee in ids if ids is not None else _exists(committee)
        if not allowed:
            raise Http404(_("未找到该政协，或您无权查看其统计。"))
    if has_role(user, Role.STAFF, Role.ADMIN, Role.SUPERVISOR):
        proposals = Proposal.objects.all()
        if ids is not None:
            proposals = proposals.filter(committee_id__in=ids)
    else:
        proposals = Proposal.objects.visible_to(user)
    if committee is not None:
        proposals = proposals.filter(committee_id=committee)
    return proposals


def _exists(committee: int) -> bool:
    return Committee.objects.filter(pk=committee).exists()


# ---- the computation ----------------------------------------------------------------------


def received_proposals(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Submitted proposals (not drafts, with a submission time) among ``proposals``.

    Re-selected by id: aggregating over a DISTINCT queryset (multiple-choice filters
    add one) makes Django wrap it in a subquery that the correlated subqueries below
    can no longer refer to.
    """
    return Proposal.objects.filter(
        pk__in=proposals.values("pk"), submitted_at__isnull=False
    ).exclude(state=State.DRAFT)


FILED = ~Q(number="")


def _late_replies() -> QuerySet[Reply]:
    """Lead/separate replies of the outer proposal given after their reply deadline.

    A reply answers the newest reply deadline its assignment had when it was written
    (rehandling opens a new one per round; extensions move ``due_date`` in place).
    """
    due = (
        Deadline.objects.filter(
            assignment=OuterRef("assignment"),
            kind=DeadlineKind.REPLY,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at", "-pk")
        .values("due_date")[:1]
    )
    return (
        Reply.objects.filter(
            assignment__proposal=OuterRef("pk"), assignment__role__in=REPLYING_ROLES
        )
        .annotate(due=Subquery(due))
        .filter(reply_date__gt=F("due"))
    )


def _overdue_deadlines(today: datetime.date, **outer) -> QuerySet[Deadline]:
    """Open reply/opinion deadlines already past on ``today``, correlated by ``outer``."""
    return Deadline.objects.filter(
        is_open=True, kind__in=HANDLING_KINDS, due_date__lt=today, **outer
    )


def _split_counts(field: str, values: Iterable[str]) -> dict[str, Count]:
    counts = {}
    for value in values:
        counts[f"{field}:{value}:received"] = Count("pk", filter=Q(**{field: value}))
        counts[f"{field}:{value}:filed"] = Count("pk", filter=Q(**{field: value}) & FILED)
    return counts


def _splits(totals: dict, field: str, choices, filed: int, blank: bool = False) -> list[Split]:
    rows = [
        Split(
            value=str(value),
            label=str(label),
            received=totals[f"{field}:{value}:received"],
            filed=totals[f"{field}:{value}:filed"],
            filed_share=percent(totals[f"{field}:{value}:filed"], filed),
        )
        for value, label in choices
    ]
    if blank:
        received = totals[f"{field}::received"]
        if received:
            n = totals[f"{field}::filed"]
            rows.append(Split("", _("未注明"), received, n, percent(n, filed)))
    return rows


def _reply_labels(committee_ids: Iterable[int] | QuerySet) -> dict[str, str]:
    """Reply class labels as the committees configured them (their default rule sets)."""
    labels: dict[str, str] = {}
    rule_sets = RuleSet.objects.filter(committee_id__in=committee_ids, session__isnull=True)
    for classes in rule_sets.order_by("pk").values_list("reply_classes", flat=True):
        for item in classes or []:
            if isinstance(item, dict) and item.get("code"):
                labels.setdefault(item["code"], item.get("label") or item["code"])
    for item in DEFAULT_REPLY_CLASSES:
        labels.setdefault(item["code"], item["label"])
    return labels


def compute(
    proposals: QuerySet[Proposal],
    *,
    today: datetime.date | None = None,
    top_units: int | None = None,
) -> Statistics:
    """Statistics of the received proposals among ``proposals`` (already scoped/filtered).

    * ``overdue``: received proposals with an open reply or co-opinion deadline past
      due on ``today``.
    * ``replies.replied``: filed proposals with at least one reply letter from a lead or
      separate unit. ``replies.on_time``: those of them all of whose lead/separate
      replies (every round) are dated on or before the reply deadline they answered
      (extensions count). ``on_time_rate`` = on_time / replied.
    * ``replies.classes``: reply letters of lead/separate units, the latest round of each
      assignment, by class (A/B/C as configured); shares of those letters.
    * ``satisfaction``: the lead proposer's (decisive) feedback of the latest round per
      proposal, on communication and on result; shares of those responses.
    * ``units``: per unit, its active (not re-routed) assignments; ``replied`` those that
      delivered the current round (reply, or co-handling opinion); ``overdue`` those with
      an open reply/opinion deadline past due. Busiest first, ``top_units`` if given.
    * ``sectors`` / ``committees``: received and filed per sector / committee.
    """
    today = today or timezone.localdate()
    received = received_proposals(proposals)
    lead_replies = Reply.objects.filter(
        assignment__proposal=OuterRef("pk"), assignment__role__in=REPLYING_ROLES
    )
    has_replied = FILED & Q(Exists(lead_replies))
    totals = received.aggregate(
        received=Count("pk"),
        filed=Count("pk", filter=FILED),
        overdue=Count("pk", filter=Q(Exists(_overdue_deadlines(today, proposal=OuterRef("pk"))))),
        replied=Count("pk", filter=has_replied),
        on_time=Count("pk", filter=has_replied & ~Q(Exists(_late_replies()))),
        **{f"state:{s}": Count("pk", filter=Q(state=s)) for s in State.values},
        **_split_counts("category", Category.values),
        **_split_counts("source", Source.values),
        **_split_counts("kind", [*Kind.values, ""]),
    )
    n_received, n_filed = totals["received"], totals["filed"]
    pks = received.values("pk")

    # Reply classes: the latest round of each lead/separate assignment.
    newer = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round"))
    class_counts = dict(
        Reply.objects.filter(
            assignment__proposal__in=pks.filter(FILED), assignment__role__in=REPLYING_ROLES
        )
        .filter(~Exists(newer))
        .values_list("classification")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = _reply_labels(received.values("committee_id"))
    codes = list(labels) + sorted(set(class_counts) - set(labels))
    letters = sum(class_counts.values())
    classes = [
        Share(code, labels.get(code, code), n, percent(n, letters))
        for code in codes
        for n in [class_counts.get(code, 0)]
    ]

    # Satisfaction: the decisive feedback of the latest round.
    later = Feedback.objects.filter(
        proposal=OuterRef("proposal"), is_decisive=True, round__gt=OuterRef("round")
    )
    feedback = (
        Feedback.objects.filter(proposal__in=pks, is_decisive=True)
        .filter(~Exists(later))
        .aggregate(
            total=Count("pk"),
            **{f"communication:{s}": Count("pk", filter=Q(communication=s)) for s in Satisfaction},
            **{f"result:{s}": Count("pk", filter=Q(result=s)) for s in Satisfaction},
        )
    )

    def satisfaction(dimension: str) -> list[Share]:
        return [
            Share(
                str(s),
                str(s.label),
                feedback[f"{dimension}:{s}"],
                percent(feedback[f"{dimension}:{s}"], feedback["total"]),
            )
            for s in Satisfaction
        ]

    # Units.
    units = (
        Assignment.objects.filter(proposal__in=pks)
        .exclude(status=AssignmentStatus.REROUTED)
        .values("unit_id", "unit__name", "unit__code")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=Q(status__in=DELIVERED)),
            overdue=Count(
                "pk", filter=Q(Exists(_overdue_deadlines(today, assignment=OuterRef("pk"))))
            ),
        )
        .order_by("-assigned", "unit__code", "unit_id")
    )
    if top_units is not None:
        units = units[:top_units]

    def groups(key: str, name: str, order: list[str]) -> list[Group]:
        rows = (
            received.values(key, name)
            .annotate(n_received=Count("pk"), n_filed=Count("pk", filter=FILED))
            .order_by(*order)
        )
        return [
            Group(
                id=row[key],
                name=row[name] if row[key] is not None else _("未注明界别"),
                received=row["n_received"],
                filed=row["n_filed"],
                filing_rate=percent(row["n_filed"], row["n_received"]),
            )
            for row in rows
        ]

    return Statistics(
        received=n_received,
        filed=n_filed,
        filing_rate=percent(n_filed, n_received),
        overdue=totals["overdue"],
        by_state=[
            Share(s, str(label), totals[f"state:{s}"], percent(totals[f"state:{s}"], n_received))
            for s, label in State.choices
            if s != State.DRAFT
        ],
        by_category=_splits(totals, "category", Category.choices, n_filed),
        by_source=_splits(totals, "source", Source.choices, n_filed),
        by_kind=_splits(totals, "kind", Kind.choices, n_filed, blank=True),
        replies=Replies(
            replied=totals["replied"],
            on_time=totals["on_time"],
            on_time_rate=percent(totals["on_time"], totals["replied"]),
            classes=classes,
        ),
        satisfaction=Satisfactions(
            responses=feedback["total"],
            communication=satisfaction("communication"),
            result=satisfaction("result"),
        ),
        units=[
            UnitLoad(
                id=row["unit_id"],
                name=row["unit__name"],
                assigned=row["assigned"],
                replied=row["replied"],
                overdue=row["overdue"],
            )
            for row in units
        ],
        sectors=groups("sector_id", "sector__name", ["sector__code", "sector_id"]),
        committees=groups(
            "committee_id", "committee__name", ["committee__level", "committee__code"]
        ),
    )
