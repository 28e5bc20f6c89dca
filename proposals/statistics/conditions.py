"""Which proposals count, and the conditions on a proposal (replied, late, overdue,
rated…) as SQL expressions, so lists and filters count exactly what the figures count."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee
from committees.scoping import statistics_committee_ids
from members.capabilities import Capability, may
from proposals.choices import AssignmentStatus, DeadlineKind, State
from proposals.domain import groups
from proposals.models import Assignment, Deadline, Feedback, Proposal, Reply, UnitSuggestion
from proposals.statistics.figures import DELIVERED, ReplyStatus, UnitWork


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
# Assigned to units; of them re-routed (a unit's assignment moved to another, 调整); with
# the suggested units on record at assignment; and with the lead unit one of them.
ASSIGNED = Q(Exists(Assignment.objects.filter(proposal=OuterRef("pk"))))
REROUTED = Q(
    Exists(Assignment.objects.filter(proposal=OuterRef("pk"), status=AssignmentStatus.REROUTED))
)
SUGGESTED = Q(Exists(UnitSuggestion.objects.filter(proposal=OuterRef("pk"))))
SUGGESTION_TAKEN = Q(Exists(UnitSuggestion.objects.filter(proposal=OuterRef("pk"), taken=True)))


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


def late(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """``replies`` narrowed to those given after the reply deadline they answered — the
    one definition of a late reply (the statistics and the units' scorecard use it).

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
    return replies.filter(
        Q(
            **{
                f"{deadline}kind": DeadlineKind.REPLY,
                f"{deadline}created_at__lte": F("created_at"),
                f"{deadline}due_date__lt": F("reply_date"),
            }
        )
        & ~Q(Exists(newer))
    )


def _late_replies() -> QuerySet[Reply]:
    """Lead/separate replies of the outer proposal given after their reply deadline."""
    return late(_lead_replies())


def reply_q(status: str = ReplyStatus.REPLIED) -> Q:
    """Filed proposals with a lead/separate reply letter; on time: none of them late."""
    replied = FILED & Q(Exists(_lead_replies()))
    if status == ReplyStatus.ON_TIME:
        return replied & ~Q(Exists(_late_replies()))
    if status == ReplyStatus.LATE:
        return replied & Q(Exists(_late_replies()))
    return replied


def latest_letters() -> QuerySet[Reply]:
    """Lead/separate reply letters of the latest round of their assignment."""
    newer = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round"))
    return Reply.objects.filter(assignment__role__in=groups.values(groups.REPLYING_ROLES)).filter(
        ~Exists(newer)
    )


def reply_class_q(code: str) -> Q:
    """Filed proposals with a latest-round lead/separate letter of class ``code``."""
    letters = latest_letters().filter(assignment__proposal=OuterRef("pk"), classification=code)
    return FILED & Q(Exists(letters))


def latest_feedback() -> QuerySet[Feedback]:
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
    feedback = latest_feedback().filter(proposal=OuterRef("pk"), **{dimension: value})
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


def active_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.exclude(status=AssignmentStatus.REROUTED)


def unit_work(work: str, today: datetime.date) -> Q:
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
    assignments = active_assignments().filter(
        unit_work(work, today or timezone.localdate()), proposal=OuterRef("pk")
    )
    if unit is not None:
        assignments = assignments.filter(unit_id=unit)
    return Q(Exists(assignments))


# ---- the computation ----------------------------------------------------------------------


FLAGS = ("overdue", "replied", "on_time")


def flag_counts(received: QuerySet[Proposal], today: datetime.date) -> dict[int, dict[str, int]]:
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


def latest_year(proposals: QuerySet[Proposal]) -> int | None:
    """The latest year in which any of ``proposals`` was received: where reports and the
    big screen open when no period is asked for (never on an empty year)."""
    latest = received_proposals(proposals).aggregate(latest=Max("submitted_at"))["latest"]
    return timezone.localtime(latest).year if latest else None
