"""Nominating filed proposals, withdrawing nominations, choosing the excellent ones."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cppcc.errors import DomainError
from members.models import User
from proposals.domain import events, groups
from proposals.domain.events import EventKind
from proposals.locks import lock_proposal
from proposals.models import (
    AwardRound,
    Nomination,
    Proposal,
    ProposalEvent,
)
from proposals.services.awards.steps import check_step, lock_round


def eligible_proposals(award_round: AwardRound) -> QuerySet[Proposal]:
    """Proposals that may be nominated in the round: filed or later, numbered, of the
    round's committee and session (or, without a session, of a session held that year)."""
    qs = Proposal.objects.filter(
        committee_id=award_round.committee_id, state__in=groups.values(groups.FILED)
    ).exclude(number="")
    if award_round.session_id:
        return qs.filter(session_id=award_round.session_id)
    return qs.filter(session__plenary_start__year=award_round.year)


def nominate(
    user: User, award_round: AwardRound | int, proposal: Proposal | int, reason: str = ""
) -> Nomination:
    """Put a filed proposal forward in a round that is still nominating."""
    with transaction.atomic():
        locked = lock_round(award_round)
        check_step(user, locked, "nominate")
        proposal_id = proposal if isinstance(proposal, int) else proposal.pk
        try:
            p = lock_proposal(proposal_id)
        except Proposal.DoesNotExist:
            raise DomainError(_("请选择要推荐的提案。"), field="proposal") from None
        if p.committee_id != locked.committee_id:
            raise DomainError(_("只能推荐本政协的提案。"), field="proposal")
        if p.state not in groups.FILED or not p.number:
            raise DomainError(_("只能推荐已立案（有案号）的提案。"), field="proposal")
        if not eligible_proposals(locked).filter(pk=p.pk).exists():
            raise DomainError(_("该提案不属于本次评选的年度或会次。"), field="proposal")
        if locked.nominations.filter(proposal=p).exists():
            raise DomainError(_("该提案已被推荐。"), field="proposal")
        reason = (reason or "").strip()
        if len(reason) > 2000:
            raise DomainError(_("推荐理由不能超过 2000 字。"), field="reason")
        nomination = Nomination.objects.create(
            round=locked, proposal=p, nominated_by=user, reason=reason
        )
        ProposalEvent.objects.record(
            p,
            user,
            events.award(
                EventKind.AWARD_NOMINATE, locked.pk, locked.name, nomination=nomination.pk
            ),
        )
    return nomination


def nomination_round(nomination: Nomination | int) -> tuple[int, int]:
    """The nomination's id and its round's (to lock the round before touching it)."""
    nomination_id = nomination if isinstance(nomination, int) else nomination.pk
    round_id = (
        Nomination.objects.filter(pk=nomination_id).values_list("round_id", flat=True).first()
    )
    if round_id is None:
        raise DomainError(_("该推荐不存在或已撤回。"), field="nomination")
    return nomination_id, round_id


def withdraw_nomination(user: User, nomination: Nomination | int, reason: str = "") -> None:
    """Take a nomination back while the round is still nominating (nobody has scored it)."""
    nomination_id, round_id = nomination_round(nomination)
    with transaction.atomic():
        locked = lock_round(round_id)
        check_step(user, locked, "withdraw_nomination")
        row = locked.nominations.select_related("proposal").filter(pk=nomination_id).first()
        if row is None:
            raise DomainError(_("该推荐不存在或已撤回。"), field="nomination")
        p = row.proposal
        row.delete()
        reason = (reason or "").strip()[:200]
        ProposalEvent.objects.record(
            p, user, events.award(EventKind.AWARD_WITHDRAW, locked.pk, locked.name, reason=reason)
        )


def select(user: User, award_round: AwardRound | int, nomination_ids: Iterable[int]) -> list[int]:
    """Choose the excellent proposals (replacing any earlier choice), at most ``quota``,
    from nominations the panel has scored. Returns the chosen nominations' ids."""
    with transaction.atomic():
        locked = lock_round(award_round)
        check_step(user, locked, "select")
        try:
            wanted = {int(n) for n in nomination_ids}
        except (TypeError, ValueError):
            raise DomainError(_("请选择推荐提案。"), field="nominations") from None
        rows = {
            n.pk: n
            for n in locked.nominations.select_related("proposal")
            .annotate(score_count=Count("scores"))
            .order_by("pk")
        }
        if wanted - rows.keys():
            raise DomainError(_("所选提案不在本次评选的推荐名单中。"), field="nominations")
        if len(wanted) > locked.quota:
            raise DomainError(
                _("最多评选 {q} 件优秀提案，已选 {n} 件。").format(q=locked.quota, n=len(wanted)),
                field="nominations",
            )
        unscored = [rows[pk].proposal.number for pk in sorted(wanted) if not rows[pk].score_count]
        if unscored:
            raise DomainError(
                _("尚未评审打分的提案不能选定：{n}").format(n="、".join(unscored)),
                field="nominations",
            )
        for pk, row in rows.items():
            chosen = pk in wanted
            if row.selected == chosen:
                continue
            row.selected = chosen
            row.save(update_fields=["selected"])
            p = row.proposal
            kind = EventKind.AWARD_SELECT if chosen else EventKind.AWARD_UNSELECT
            ProposalEvent.objects.record(
                p, user, events.award(kind, locked.pk, locked.name, nomination=pk)
            )
    return sorted(wanted)
