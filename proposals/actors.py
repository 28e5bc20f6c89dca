"""Who someone is to a proposal (its proposer, a co-signer, staff, its supervisor, one of
its units…): the actors of the workflow table (``proposals.workflow``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from members.roles import WRITERS, Role, has_role
from proposals.choices import CosignerStatus, Source

if TYPE_CHECKING:
    from members.models import User
    from proposals.models import Assignment, Proposal


@dataclass(frozen=True)
class Context:
    user: User | None
    proposal: Proposal
    assignment: Assignment | None
    today: datetime.date


# ---- actors: who, relative to this proposal -------------------------------------------------


@dataclass(frozen=True)
class Actor:
    key: str
    label: str
    test: Callable[[Context], bool]
    # The roles among which such a person is found (to know whose to-do list to look in).
    roles: frozenset[Role] = frozenset()


def _is_proposer(c: Context) -> bool:
    user, p = c.user, c.proposal
    if user is None:
        return False
    if p.proposer_id == user.pk:
        return True
    return (
        p.source == Source.COLLECTIVE
        and p.organization_id is not None
        and p.organization_id == user.organization_id
        and has_role(user, Role.COLLECTIVE)
    )


def cosigner_record(c: Context):
    if c.user is None:
        return None
    for cosigner in c.proposal.cosigners.all():
        if cosigner.member.user_id == c.user.pk:
            return cosigner
    return None


def _is_staff(c: Context) -> bool:
    user = c.user
    if user is None or not has_role(user, Role.STAFF, Role.ADMIN):
        return False
    return user.is_superuser or user.committee_id == c.proposal.committee_id


def _is_supervisor(c: Context) -> bool:
    return c.user is not None and any(u.pk == c.user.pk for u in c.proposal.supervisors.all())


def _is_unit(c: Context) -> bool:
    user, a = c.user, c.assignment
    return (
        user is not None
        and a is not None
        and has_role(user, Role.UNIT)
        and user.unit_id == a.unit_id
    )


def feedback_givers(proposal: Proposal) -> dict[int, bool]:
    """Users who give feedback on ``proposal``'s handling → whether their word decides.

    The lead proposer decides; confirmed co-signers and the proposers (and co-signers)
    of proposals merged into it are heard too.
    """
    givers: dict[int, bool] = {}
    group = [proposal, *proposal.merged_proposals.all()]
    for member_proposal in group:
        givers.setdefault(member_proposal.proposer_id, False)
        for cosigner in member_proposal.cosigners.all():
            if cosigner.status == CosignerStatus.CONFIRMED:
                givers.setdefault(cosigner.member.user_id, False)
    givers[proposal.proposer_id] = True
    return givers


def _is_feedback_giver(c: Context) -> bool:
    return c.user is not None and c.user.pk in feedback_givers(c.proposal)


PROPOSER = Actor("proposer", gettext_lazy("提案人"), _is_proposer, WRITERS)
COSIGNER = Actor(
    "cosigner",
    gettext_lazy("联名人"),
    lambda c: cosigner_record(c) is not None,
    frozenset({Role.MEMBER}),
)
STAFF = Actor(
    "staff", gettext_lazy("提案委员会工作人员"), _is_staff, frozenset({Role.STAFF, Role.ADMIN})
)
SUPERVISOR = Actor(
    "supervisor", gettext_lazy("该提案的督办领导"), _is_supervisor, frozenset({Role.SUPERVISOR})
)
UNIT = Actor("unit", gettext_lazy("该交办的承办单位"), _is_unit, frozenset({Role.UNIT}))
FEEDBACK_GIVER = Actor(
    "feedback_giver", gettext_lazy("提案人和联名人（含并案）"), _is_feedback_giver, WRITERS
)
SYSTEM = Actor("system", gettext_lazy("系统（定时任务）"), lambda c: c.user is None)
