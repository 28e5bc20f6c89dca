"""The one place that decides which proposals and assignments a user may see.

UI lists, API viewsets, search, statistics and exports all start from
``Proposal.objects.visible_to(user)`` / ``Assignment.objects.visible_to(user)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from committees.scoping import committee_ids
from members.roles import WRITERS, Role, roles_of
from proposals.domain import groups

if TYPE_CHECKING:
    from members.models import User

# A supervisor follows filed work and everything after it (groups.FILED).


def proposal_filter(user: User | None) -> Q | None:
    """A Q for the proposals ``user`` may see; None means nothing."""
    roles = roles_of(user)
    if not roles:
        return None
    assert user is not None
    ids = committee_ids(user)
    in_committee = Q() if ids is None else Q(committee_id__in=ids)
    if Role.ADMIN in roles or Role.STAFF in roles:
        # Staff see the committee's work, but nobody else's unsent drafts; their own only
        # if they may write proposals (a member also on staff). Without that OR the list
        # and its count are one index range of (committee, state).
        work = in_committee & ~Q(state="draft")
        return work | Q(proposer=user) if roles & WRITERS else work
    q = Q(pk__in=[])
    if Role.SUPERVISOR in roles:
        q |= in_committee & Q(state__in=groups.values(groups.FILED))
    if Role.UNIT in roles and user.unit_id:
        q |= Q(assignments__unit_id=user.unit_id) | Q(forwarded_to_id=user.unit_id)
        q |= Q(merged_into__assignments__unit_id=user.unit_id)
    if Role.MEMBER in roles or Role.COLLECTIVE in roles:
        q |= Q(proposer=user)
        q |= Q(cosigners__member__user=user) & ~Q(state="draft")
        # The proposers of a merged group see the proposal that carries the handling.
        q |= Q(merged_proposals__proposer=user)
    if Role.COLLECTIVE in roles and user.organization_id:
        q |= Q(organization_id=user.organization_id)
    return q


def reference_filter(user: User | None) -> Q | None:
    """What a user may be shown as a reference (similar proposals while writing): what
    they may see, and for members their committee's filed proposals — number, title,
    state and reply, as a committee publishes them (提案公开); their pages stay closed."""
    q = proposal_filter(user)
    if q is None:
        return None
    roles = roles_of(user)
    if Role.MEMBER in roles or Role.COLLECTIVE in roles:
        ids = committee_ids(user)
        in_committee = Q() if ids is None else Q(committee_id__in=ids)
        q |= in_committee & Q(state__in=groups.values(groups.FILED))
    return q


def repeats_rows(model: type[models.Model], q: Q) -> bool:
    """Whether filtering by ``q`` joins a to-many relation (a row per match)."""
    for child in q.children:
        if isinstance(child, Q):
            if repeats_rows(model, child):
                return True
            continue
        name = child[0].split("__")[0]
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
    return False


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> ProposalQuerySet:
        q = proposal_filter(user)
        if q is None:
            return self.none()
        if not repeats_rows(self.model, q):  # staff: their committees, on the row itself
            return self.filter(q)
        # Joins over to-many relations can repeat rows: filter by id instead of distinct().
        ids = self.model.objects.filter(q).values("pk")
        return self.filter(pk__in=ids)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> AssignmentQuerySet:
        roles = roles_of(user)
        if not roles:
            return self.none()
        assert user is not None
        if Role.ADMIN in roles or Role.STAFF in roles or Role.SUPERVISOR in roles:
            ids = committee_ids(user)
            return self if ids is None else self.filter(proposal__committee_id__in=ids)
        if Role.UNIT in roles and user.unit_id:
            return self.filter(unit_id=user.unit_id)
        # proposals.models builds its managers from this module: import it when called.
        from proposals.models import Proposal

        return self.filter(proposal__in=Proposal.objects.visible_to(user))


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> ReminderQuerySet:
        """Staff see their committees' reminder log; everyone else the reminders sent to them."""
        roles = roles_of(user)
        if not roles:
            return self.none()
        assert user is not None
        if Role.ADMIN in roles or Role.STAFF in roles:
            ids = committee_ids(user)
            return self if ids is None else self.filter(proposal__committee_id__in=ids)
        return self.filter(user=user)
