"""Who may take which step of a round (the table: ``proposals.domain.award_rounds``);
the round's lock and its log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from committees.models import CommitteeEvent
from committees.scoping import committee_ids
from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from members.capabilities import Capability, may
from members.models import User
from proposals.domain import award_rounds
from proposals.models import AwardRound

Status = AwardRound.Status


def can_manage(user: User | None, committee_id: int) -> bool:
    """Staff and administrators run the rounds of their own committee."""
    if not may(user, Capability.MANAGE_AWARDS):
        return False
    ids = committee_ids(user)
    return ids is None or committee_id in ids


def require_manager(user: User | None, committee_id: int) -> None:
    if not can_manage(user, committee_id):
        raise NotPermitted(_("只有本政协提案委员会工作人员可以管理优秀提案评选。"))


def _is_reviewer(user: User | None, award_round: AwardRound) -> bool:
    return user is not None and award_round.reviewers.filter(pk=user.pk, is_active=True).exists()


def _require_actor(user: User | None, award_round: AwardRound, step: str) -> None:
    """NotPermitted unless ``user`` is who takes ``step`` (``award_rounds.STEPS``)."""
    if award_rounds.STEPS[step].actor == award_rounds.MANAGER:
        require_manager(user, award_round.committee_id)
    elif not _is_reviewer(user, award_round):
        raise NotPermitted(_("只有本次评选的评审组成员可以打分。"))


def check_step(user: User | None, award_round: AwardRound, step: str) -> None:
    """Refuse ``step`` as the round's table says: not this user's (NotPermitted), or not in
    the round's status (InvalidTransition, with the table's reason)."""
    _require_actor(user, award_round, step)
    if reason := award_rounds.refusal(step, award_round.status):
        raise InvalidTransition(reason)


def allowed_steps(user: User | None, award_round: AwardRound) -> frozenset[str]:
    """The steps ``user`` may take on the round now: the buttons and forms to show."""
    manager = can_manage(user, award_round.committee_id)
    reviewer = _is_reviewer(user, award_round)
    return frozenset(
        name
        for name, row in award_rounds.STEPS.items()
        if (manager if row.actor == award_rounds.MANAGER else reviewer)
        and award_rounds.refusal(name, award_round.status) is None
    )


def lock_round(award_round: AwardRound | int) -> AwardRound:
    pk = award_round if isinstance(award_round, int) else award_round.pk
    try:
        return AwardRound.objects.select_for_update().get(pk=pk)
    except AwardRound.DoesNotExist:
        raise DomainError(_("该评选不存在。"), field="round") from None


def log_round(
    locked: AwardRound, user: User | None, action: str, message: str, **data: Any
) -> None:
    CommitteeEvent.objects.create(
        committee_id=locked.committee_id,
        actor=user,
        action=action,
        message=message,
        data={"round": locked.pk, **data},
    )


def sync_round(target: AwardRound, locked: AwardRound) -> None:
    """Let the caller's object reflect the change."""
    if target is not locked:
        for attr in ("name", "year", "session_id", "rubric", "quota", "status", "published_at"):
            setattr(target, attr, getattr(locked, attr))


# ---- validation ------------------------------------------------------------------------------
