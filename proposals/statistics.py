"""Proposal statistics: one computation for the API, the dashboard and the annual report.

Everything is counted in the database with aggregates over a proposal queryset the
caller has already scoped and filtered; nothing loads proposals into Python, and the
number of queries does not depend on the amount of data.

Definitions (the annual report's wording):

* **received** (收到提案): submitted proposals, i.e. not drafts and with a submission
  time; the period filter (year / session) is applied by the caller's filterset.
* **filed** (立案): received proposals in a filed state (``groups.FILED``: filed and
  after; they are exactly the ones with a filing number). Merged, declined, transferred
  and withdrawn proposals are not. ``filing_rate`` = filed / received.
* **forwarded** (转为意见建议): received proposals declined and forwarded to a handling
  unit as opinions and suggestions.
* **shares** are percentages rounded half-up to two decimals (83.18), ``None`` when
  the denominator is zero.

Each definition is written once, as a condition on a proposal (``RECEIVED``, ``FILED``,
``replied_q`` …); the proposal list's filters (``proposals.filters``) use the same
conditions, so every figure of the dashboard links to exactly the proposals it counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, TextChoices, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import DEFAULT_REPLY_CLASSES, Committee, RuleSet, Session
from committees.scoping import statistics_committee_ids
from members.capabilities import Capability, may
from proposals.choices import (
    AssignmentStatus,
    Category,
    DeadlineKind,
    Kind,
    Satisfaction,
    Source,
    State,
)
from proposals.domain import groups
from proposals.models import Assignment, Deadline, Feedback, Proposal, Reply

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
    forwarded: int
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
    by_session: list[Group]


@dataclass(frozen=True)
class CommitteeFigures:
    """The headline figures and categories of one committee (``id`` None: the total)."""

    id: int | None
    name: str
    received: int
    filed: int
    filing_rate: float | None
    replied: int
    on_time: int
    on_time_rate: float | None
    overdue: int
    by_category: list[Split]


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
    if may(user, Capability.SEE_STATISTICS):
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


# ---- the definitions: conditions on a proposal, shared with the list's filters ------------

RECEIVED = Q(submitted_at__isnull=False) & ~Q(state=State.DRAFT)
FILED = Q(state__in=groups.values(groups.FILED))
# Declined, and forwarded to a unit as an opinion (转为意见建议): counted apart from the
# filed ones in every report ("其中转为意见建议125件").
FORWARDED = Q(state=State.DECLINED, forwarded_to__isnull=False)


class ReplyStatus(TextChoices):
    """Which replied proposals a reply figure counts (``reply_q``)."""

    REPLIED = "replied", gettext_lazy("已答复")
    ON_TIME = "on_time", gettext_lazy("按期答复")
    LATE = "late", gettext_lazy("超期答复")


class UnitWork(TextChoices):
    """Which of a unit's active assignments a unit figure counts (``unit_work_q``)."""

    ASSIGNED = "assigned", gettext_lazy("已交办（不含已调整）")
    DELIVERED = "delivered", gettext_lazy("已答复或已提会办意见")
    OVERDUE = "overdue", gettext_lazy("已超期")


def received_proposals(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Submitted proposals (not drafts, with a submission time) among ``proposals``.

    A DISTINCT (multiple-choice filters add one) or sliced queryset is re-selected by
    id: aggregating over it makes Django wrap it in a subquery that the correlated
    subqueries below can no longer refer to. Plain filters are kept as they are — the
    re-selection costs a self-join of the proposals in every query.
    """
    query = proposals.query
    if query.distinct or query.is_sliced or query.combinator or query.annotations:
        proposals = Proposal.objects.filter(pk__in=proposals.values("pk"))
    return proposals.filter(RECEIVED)


def _lead_replies() -> QuerySet[Reply]:
    """Reply letters of the outer proposal's lead and separate units, every round."""
    return Reply.objects.filter(
        assignment__proposal=OuterRef("pk"),
        assignment__role__in=groups.values(groups.REPLYING_ROLES),
    )


def _late_replies() -> QuerySet[Reply]:
    """Lead/separate replies of the outer proposal given after their reply deadline.

    A reply answers the newest reply deadline its assignment had when it was written
    (rehandling opens a new one per round; extensions move ``due_date`` in place): it
    is late when joined to a reply deadline of its assignment, created by then and due
    before the reply date, that has no newer one created by then. Joins and NOT EXISTS,
    not a "latest deadline" subquery per reply, so PostgreSQL joins sets (hash joins,
    an anti-join) at any size. The deadline conditions sit in one ``filter()`` so the
    NOT EXISTS refers to that same joined deadline.
    """
    deadline = "assignment__deadlines__"
    newer = Deadline.objects.filter(
        Q(created_at__gt=OuterRef(f"{deadline}created_at"))
        | Q(created_at=OuterRef(f"{deadline}created_at"), pk__gt=OuterRef(f"{deadline}id")),
        assignment=OuterRef("assignment"),
        kind=DeadlineKind.REPLY,
        created_at__lte=OuterRef("created_at"),
    )
    return _lead_replies().filter(
        Q(
            **{
                f"{deadline}kind": DeadlineKind.REPLY,
                f"{deadline}created_at__lte": F("created_at"),
                f"{deadline}due_date__lt": F("reply_date"),
            }
        )
        & ~Q(Exists(newer))
    )


def reply_q(status: str = ReplyStatus.REPLIED) -> Q:
    """Filed proposals with a lead/separate reply letter; on time: none of them late."""
    replied = FILED & Q(Exists(_lead_replies()))
    if status == ReplyStatus.ON_TIME:
        return replied & ~Q(Exists(_late_replies()))
    if status == ReplyStatus.LATE:
        return replied & Q(Exists(_late_replies()))
    return replied


def _latest_letters() -> QuerySet[Reply]:
    """Lead/separate reply letters of the latest round of their assignment."""
    newer = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round"))
    return Reply.objects.filter(assignment__role__in=groups.values(groups.REPLYING_ROLES)).filter(
        ~Exists(newer)
    )


def reply_class_q(code: str) -> Q:
    """Filed proposals with a latest-round lead/separate letter of class ``code``."""
    letters = _latest_letters().filter(assignment__proposal=OuterRef("pk"), classification=code)
    return FILED & Q(Exists(letters))


def _latest_feedback() -> QuerySet[Feedback]:
    """The lead proposer's (decisive) feedback on the latest round, one per proposal."""
    later = Feedback.objects.filter(
        proposal=OuterRef("proposal"), is_decisive=True, round__gt=OuterRef("round")
    )
    return Feedback.objects.filter(is_decisive=True).filter(~Exists(later))


def satisfaction_q(dimension: str, value: str) -> Q:
    """Proposals whose latest decisive feedback rates ``dimension`` (communication or
    result) as ``value``."""
    if dimension not in ("communication", "result"):
        raise ValueError(dimension)
    feedback = _latest_feedback().filter(proposal=OuterRef("pk"), **{dimension: value})
    return Q(Exists(feedback))


def _overdue_deadlines(today: datetime.date, **outer) -> QuerySet[Deadline]:
    """Open reply/opinion deadlines already past on ``today``, correlated by ``outer``."""

    return Deadline.objects.filter(
        is_open=True, kind__in=groups.values(groups.HANDLING_DEADLINES), due_date__lt=today, **outer
    )


def overdue_q(today: datetime.date | None = None) -> Q:
    """Proposals with an open reply or co-opinion deadline past due on ``today``."""
    today = today or timezone.localdate()
    return Q(Exists(_overdue_deadlines(today, proposal=OuterRef("pk"))))


def _active_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.exclude(status=AssignmentStatus.REROUTED)


def _unit_work(work: str, today: datetime.date) -> Q:
    """The condition on an (active) assignment that ``work`` counts."""
    if work == UnitWork.DELIVERED:
        return Q(status__in=DELIVERED)
    if work == UnitWork.OVERDUE:
        return Q(Exists(_overdue_deadlines(today, assignment=OuterRef("pk"))))
    return Q()


def unit_work_q(work: str, unit: int | None = None, today: datetime.date | None = None) -> Q:
    """Proposals with an active assignment (of ``unit``, if given) in the state ``work``.

    A unit has at most one active assignment per proposal, so per unit this counts
    what ``units`` counts in assignments.
    """
    assignments = _active_assignments().filter(
        _unit_work(work, today or timezone.localdate()), proposal=OuterRef("pk")
    )
    if unit is not None:
        assignments = assignments.filter(unit_id=unit)
    return Q(Exists(assignments))


# ---- the computation ----------------------------------------------------------------------


FLAGS = ("overdue", "replied", "on_time")


def _flags(received: QuerySet[Proposal], today: datetime.date) -> dict[int, dict[str, int]]:
    """Overdue, replied and on-time proposals per committee, in one query.

    Each condition goes in a WHERE clause of its own (the parts of a UNION ALL), where
    PostgreSQL runs EXISTS as hash semi-joins however many proposals there are; inside
    an aggregate's FILTER they would be subplans run once per proposal (minutes at a
    million). On time = replied − late (a late letter is a lead/separate letter).
    """
    conditions = {
        "overdue": overdue_q(today),
        "replied": reply_q(ReplyStatus.REPLIED),
        "late": FILED & Q(Exists(_late_replies())),
    }
    parts = [
        received.filter(condition)
        .order_by()
        .values("committee_id")
        .annotate(n=Count("pk"), flag=Value(name))
        .values_list("committee_id", "flag", "n")
        for name, condition in conditions.items()
    ]
    counts: dict[int, dict[str, int]] = {}
    for committee, flag, n in parts[0].union(*parts[1:], all=True):
        counts.setdefault(committee, dict.fromkeys(conditions, 0))[flag] = n
    return {
        committee: {
            "overdue": n["overdue"],
            "replied": n["replied"],
            "on_time": n["replied"] - n["late"],
        }
        for committee, n in counts.items()
    }


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


def _group(id: int | None, name: str, received: int, filed: int) -> Group:
    return Group(id, name, received, filed, percent(filed, received))


def _sessions(received: QuerySet[Proposal]) -> list[Group]:
    """Received and filed per session, named with the committee when several appear."""
    rows = list(
        received.values(
            "session_id",
            "session__term",
            "session__meeting",
            "session__committee_id",
            "session__committee__name",
            "session__committee__short_name",
        )
        .annotate(n_received=Count("pk"), n_filed=Count("pk", filter=FILED))
        .order_by(
            "session__committee__level",
            "session__committee__code",
            "session__term",
            "session__meeting",
        )
    )
    several = len({row["session__committee_id"] for row in rows}) > 1
    groups = []
    for row in rows:
        name = Session(term=row["session__term"], meeting=row["session__meeting"]).name
        if several:
            committee = row["session__committee__short_name"] or row["session__committee__name"]
            name = f"{committee} {name}"
        groups.append(_group(row["session_id"], name, row["n_received"], row["n_filed"]))
    return groups


def compute(
    proposals: QuerySet[Proposal],
    *,
    today: datetime.date | None = None,
    top_units: int | None = None,
    per_committee: list[CommitteeFigures] | None = None,
) -> Statistics:
    """Statistics of the received proposals among ``proposals`` (already scoped/filtered).

    ``per_committee``: :func:`compare_committees` of the same ``proposals`` and
    ``today``, when the caller has it — its overdue/replied/on-time counts are summed
    instead of counted again (the dearest query at scale).

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
    * ``sectors`` / ``committees`` / ``by_session``: received and filed per sector /
      committee / session.
    """
    today = today or timezone.localdate()
    received = received_proposals(proposals)
    totals = received.aggregate(
        received=Count("pk"),
        filed=Count("pk", filter=FILED),
        forwarded=Count("pk", filter=FORWARDED),
        **{f"state:{s}": Count("pk", filter=Q(state=s)) for s in State.values},
        **_split_counts("category", Category.values),
        **_split_counts("source", Source.values),
        **_split_counts("kind", [*Kind.values, ""]),
    )
    if per_committee is None:
        flags = list(_flags(received, today).values())
    else:
        flags = [{flag: getattr(row, flag) for flag in FLAGS} for row in per_committee]
    for flag in FLAGS:
        totals[flag] = sum(row[flag] for row in flags)
    n_received, n_filed = totals["received"], totals["filed"]
    pks = received.values("pk")

    def groups(key: str, name: str, order: list[str]) -> list[Group]:
        rows = (
            received.values(key, name)
            .annotate(n_received=Count("pk"), n_filed=Count("pk", filter=FILED))
            .order_by(*order)
        )
        return [
            _group(
                row[key],
                row[name] if row[key] is not None else _("未注明界别"),
                row["n_received"],
                row["n_filed"],
            )
            for row in rows
        ]

    # Reply classes: the latest round of each lead/separate assignment.
    class_counts = dict(
        _latest_letters()
        .filter(assignment__proposal__in=pks.filter(FILED))
        .values_list("classification")
        .annotate(n=Count("pk"))
        .order_by()
    )
    committees = groups("committee_id", "committee__name", ["committee__level", "committee__code"])
    labels = _reply_labels([g.id for g in committees])
    codes = list(labels) + sorted(set(class_counts) - set(labels))
    letters = sum(class_counts.values())
    classes = [
        Share(code, labels.get(code, code), n, percent(n, letters))
        for code in codes
        for n in [class_counts.get(code, 0)]
    ]

    # Satisfaction: the decisive feedback of the latest round.
    feedback = (
        _latest_feedback()
        .filter(proposal__in=pks)
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

    return Statistics(
        received=n_received,
        filed=n_filed,
        filing_rate=percent(n_filed, n_received),
        forwarded=totals["forwarded"],
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
        units=unit_loads(received, today=today, top=top_units),
        sectors=groups("sector_id", "sector__name", ["sector__code", "sector_id"]),
        committees=committees,
        by_session=_sessions(received),
    )


def unit_loads(
    received: QuerySet[Proposal], *, today: datetime.date, top: int | None = None
) -> list[UnitLoad]:
    """Per unit, its active assignments on ``received`` proposals (see :func:`compute`).

    Two queries: the overdue ones are counted apart, with the condition in WHERE (a
    semi-join), not as a subplan per assignment.
    """
    assignments = _active_assignments().filter(proposal__in=received.values("pk"))
    rows = (
        assignments.values("unit_id", "unit__name", "unit__code")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=_unit_work(UnitWork.DELIVERED, today)),
        )
        .order_by("-assigned", "unit__code", "unit_id")
    )
    if top is not None:
        rows = rows[:top]
    overdue = dict(
        assignments.filter(_unit_work(UnitWork.OVERDUE, today))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return [
        UnitLoad(
            id=row["unit_id"],
            name=row["unit__name"],
            assigned=row["assigned"],
            replied=row["replied"],
            overdue=overdue.get(row["unit_id"], 0),
        )
        for row in rows
    ]


# ---- committees side by side ----------------------------------------------------------------


def _figures(id: int | None, name: str, counts: dict) -> CommitteeFigures:
    return CommitteeFigures(
        id=id,
        name=name,
        received=counts["received"],
        filed=counts["filed"],
        filing_rate=percent(counts["filed"], counts["received"]),
        replied=counts["replied"],
        on_time=counts["on_time"],
        on_time_rate=percent(counts["on_time"], counts["replied"]),
        overdue=counts["overdue"],
        by_category=_splits(counts, "category", Category.choices, counts["filed"]),
    )


def compare_committees(
    proposals: QuerySet[Proposal],
    *,
    today: datetime.date | None = None,
    committees: Iterable[Committee] | None = None,
) -> list[CommitteeFigures]:
    """The headline figures and categories of each committee among ``proposals``, in one
    query, with the same definitions as :func:`compute` (city first, then counties).

    With ``committees``, exactly those, in that order, with zeros where nothing was
    received; otherwise the committees that received something.
    """
    today = today or timezone.localdate()
    received = received_proposals(proposals)
    rows = (
        received.values("committee_id", "committee__name")
        .annotate(
            received=Count("pk"),
            filed=Count("pk", filter=FILED),
            **_split_counts("category", Category.values),
        )
        .order_by("committee__level", "committee__code")
    )
    flags = _flags(received, today)
    zero = dict.fromkeys(FLAGS, 0)
    found = {
        row["committee_id"]: _figures(
            row["committee_id"],
            row["committee__name"],
            {**row, **flags.get(row["committee_id"], zero)},
        )
        for row in rows
    }
    if committees is None:
        return list(found.values())
    return [found.get(c.pk) or replace(total_figures([], c.name), id=c.pk) for c in committees]


def total_figures(rows: Iterable[CommitteeFigures], name: str) -> CommitteeFigures:
    """The sum of several committees' figures (rates recomputed from the sums)."""
    rows = list(rows)
    keys = ("received", "filed", "replied", "on_time", "overdue")
    counts = {key: sum(getattr(r, key) for r in rows) for key in keys}
    for value in Category.values:
        splits = [s for r in rows for s in r.by_category if s.value == value]
        counts[f"category:{value}:received"] = sum(s.received for s in splits)
        counts[f"category:{value}:filed"] = sum(s.filed for s in splits)
    return _figures(None, name, counts)
