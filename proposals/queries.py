"""Querysets ready for display: scoped by ``visible_to`` and prefetched so that
representations and ``allowed_actions`` run a fixed number of queries per page.

Also the one definition of an assignment's current deadline (an annotation that every
assignment queryset here carries) and of each list's filter and order, shared by its
page, the API and its Excel export.
"""

from __future__ import annotations

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from proposals import conditions
from proposals.choices import AssignmentStatus
from proposals.domain import groups
from proposals.filters import AssignmentFilterSet, overdue_deadlines
from proposals.models import (
    Assignment,
    Cosigner,
    Deadline,
    Proposal,
    ReassignmentRequest,
    Reply,
)
from proposals.workflow import RULE_READS, states_reading

# The proposal list's orderings (page and export).
PROPOSAL_SORTS = {
    "new": ("-id",),
    "old": ("id",),
    "number": ("number", "id"),
    "submitted": ("-submitted_at", "-id"),
    "title": ("title", "id"),
}
# The unit inbox's orderings (page and export): soonest due first, no deadline last.
INBOX_SORTS = {
    "due": (F("current_due").asc(nulls_last=True), "id"),
    "new": ("-id",),
}


def with_current_deadline(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate each assignment's current deadline: of its reply/opinion deadlines, the
    open one due last, else (all met) the one due last. ``current_deadline_id`` and
    ``current_due``; :func:`current_deadline` reads them."""
    chosen = Deadline.objects.filter(
        assignment=OuterRef("pk"), kind__in=groups.values(groups.HANDLING_DEADLINES)
    ).order_by("-is_open", "-due_date", "-pk")
    return assignments.annotate(
        current_deadline_id=Subquery(chosen.values("pk")[:1]),
        current_due=Subquery(chosen.values("due_date")[:1]),
    )


def current_deadline(assignment: Assignment) -> Deadline | None:
    """The deadline :func:`with_current_deadline` chose, from the prefetched deadlines.

    An assignment loaded without the annotation raises ``AttributeError``: every
    queryset that shows due dates must go through ``with_current_deadline``.
    """
    wanted = assignment.current_deadline_id
    if wanted is None:
        return None
    return next((d for d in assignment.deadlines.all() if d.pk == wanted), None)


def assignment_rows() -> QuerySet[Assignment]:
    """Assignments as lists and representations show them: unit, deadlines, the current one."""
    return with_current_deadline(
        Assignment.objects.select_related("unit").prefetch_related("deadlines")
    )


def _cosigners() -> Prefetch:
    return Prefetch("cosigners", queryset=Cosigner.objects.select_related("member"))


def _proposals(user, assignments: QuerySet[Assignment]) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(user)
        .select_related("committee", "session", "proposer", "organization", "sector")
        .prefetch_related(_cosigners(), Prefetch("assignments", queryset=assignments))
    )


def _rule_lookups() -> dict[str, str | Prefetch]:
    """How to fetch each relation of ``workflow.RULE_READS``."""
    merged = Prefetch("merged_proposals", queryset=Proposal.objects.prefetch_related(_cosigners()))
    return {name: merged if name == "merged_proposals" else name for name in RULE_READS}


# What no list shows and every row would carry: the long texts and the search columns
# (a row of the list is a tenth of a whole proposal's bytes without them). ``suggestions``
# stays: the workflow reads it to know whether a draft may be submitted.
LIST_DEFERRED = ("background", "decline_note", "search_document", "search_vector")


def proposal_list(user) -> QuerySet[Proposal]:
    """A list's proposals; after slicing a page, :func:`prepare_rows` adds what their
    allowed actions are decided from."""
    return _proposals(user, assignment_rows()).defer(*LIST_DEFERRED)


def prepare_rows(rows) -> None:
    """Give a page of :func:`proposal_list` what the workflow reads: rule sets, and each
    relation of ``workflow.RULE_READS`` for the rows in a state where it is read (a
    related manager per row and relation was most of a list's time)."""
    rows = list(rows)
    conditions.attach_rules(rows)
    for relation, lookup in _rule_lookups().items():
        states = states_reading(relation)
        wanted = [p for p in rows if p.state in states]
        if wanted:
            prefetch_related_objects(wanted, lookup)


def proposal_detail(user) -> QuerySet[Proposal]:
    replies = Reply.objects.select_related("assignment__unit")
    assignments = assignment_rows().prefetch_related(Prefetch("replies", queryset=replies))
    return (
        _proposals(user, assignments)
        .prefetch_related(*_rule_lookups().values())
        .select_related("forwarded_to", "transferred_to")
        .prefetch_related("reviews__reviewer", "attachments", "feedback__user")
    )


def assignment_list(user) -> QuerySet[Assignment]:
    return (
        with_current_deadline(Assignment.objects.visible_to(user))
        .select_related("unit", "proposal__committee")
        .prefetch_related(
            "deadlines",
            # The siblings only feed the workflow rules (roles, statuses), not due dates.
            Prefetch("proposal__assignments", queryset=Assignment.objects.select_related("unit")),
            "proposal__deadlines",
        )
    )


def overdue_assignments(user) -> QuerySet[Assignment]:
    """Assignments with an open handling deadline already past, each annotated with
    ``late_since`` (its earliest such deadline): the overdue board and the work centre."""
    late = overdue_deadlines(assignment=OuterRef("pk")).order_by("due_date")
    return (
        assignment_list(user)
        .filter(Exists(late))
        .annotate(late_since=Subquery(late.values("due_date")[:1]))
    )


def reassignment_requests() -> QuerySet[ReassignmentRequest]:
    return ReassignmentRequest.objects.prefetch_related(
        Prefetch("assignment", queryset=assignment_rows())
    )


def inbox(user, data, sort: str) -> tuple[AssignmentFilterSet, QuerySet[Assignment]]:
    """The unit inbox: its bound filterset and its rows, ordered by ``sort``
    (``INBOX_SORTS``). Without filters (or with invalid ones), the open work.

    One definition for the page and its Excel export, ordered in SQL, so both agree
    at any length.
    """
    base = assignment_list(user).exclude(status=AssignmentStatus.REROUTED)
    filterset = AssignmentFilterSet(data or None, queryset=base)
    if filterset.is_bound and filterset.is_valid():
        rows = filterset.qs
    else:
        rows = base.filter(status__in=groups.values(groups.OPEN_ASSIGNMENTS))
    return filterset, rows.order_by(*INBOX_SORTS.get(sort, INBOX_SORTS["due"]))
