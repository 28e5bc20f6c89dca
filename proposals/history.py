"""A proposal's timeline, across transfers between committees."""

from __future__ import annotations

from django.db.models import QuerySet

from proposals.models import Proposal, ProposalEvent


def transfer_chain(proposal: Proposal) -> list[Proposal]:
    """The proposal and every proposal it was transferred from, oldest first."""
    chain = [proposal]
    while chain[0].transferred_from_id:
        chain.insert(0, Proposal.objects.get(pk=chain[0].transferred_from_id))
    return chain


def timeline(proposal: Proposal) -> QuerySet[ProposalEvent]:
    """Every event of the proposal, including those from before it was transferred here."""
    ids = [p.pk for p in transfer_chain(proposal)]
    return (
        ProposalEvent.objects.filter(proposal_id__in=ids)
        .select_related("actor", "proposal__committee")
        .order_by("created_at", "id")
    )
