"""Row locks in one place. Every state change locks the proposal row first."""

from __future__ import annotations

from proposals.models import Proposal


def lock_proposal(proposal_id: int) -> Proposal:
    """Lock and return the proposal (inside ``transaction.atomic``)."""
    return Proposal.objects.select_for_update().get(pk=proposal_id)


def lock_proposals(*proposal_ids: int) -> dict[int, Proposal]:
    """Lock several proposals in id order, so two merges never deadlock."""
    rows = Proposal.objects.select_for_update().filter(pk__in=proposal_ids).order_by("pk")
    return {p.pk: p for p in rows}
