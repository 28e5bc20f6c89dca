"""Querysets ready for display: scoped by ``visible_to`` and prefetched so that
representations and ``allowed_actions`` run a fixed number of queries per page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from proposals.models import Assignment, Cosigner, Proposal, Reply


def _cosigners() -> Prefetch:
    return Prefetch("cosigners", queryset=Cosigner.objects.select_related("member"))


def _proposals(user, assignments: QuerySet[Assignment]) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(user)
        .select_related("committee", "session", "proposer", "organization", "sector")
        .prefetch_related(
            _cosigners(),
            Prefetch("assignments", queryset=assignments),
            "deadlines",
            "supervisors",
            Prefetch(
                "merged_proposals",
                queryset=Proposal.objects.prefetch_related(_cosigners()),
            ),
        )
    )


def proposal_list(user) -> QuerySet[Proposal]:
    assignments = Assignment.objects.select_related("unit").prefetch_related("deadlines")
    return _proposals(user, assignments).prefetch_related("reviews", "feedback")


def proposal_detail(user) -> QuerySet[Proposal]:
    replies = Reply.objects.select_related("assignment__unit")
    assignments = Assignment.objects.select_related("unit").prefetch_related(
        "deadlines", Prefetch("replies", queryset=replies)
    )
    return (
        _proposals(user, assignments)
        .select_related("forwarded_to", "transferred_to")
        .prefetch_related("reviews__reviewer", "attachments", "feedback__user")
    )


def assignment_list(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.visible_to(user)
        .select_related("unit", "proposal__committee")
        .prefetch_related(
            "deadlines",
            Prefetch(
                "proposal__assignments",
                queryset=Assignment.objects.select_related("unit"),
            ),
            "proposal__deadlines",
        )
    )
