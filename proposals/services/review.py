"""Review (初审/复审/联审), filing (立案), declining, merging (并案) and transfer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, HandlingUnit, Session
from committees.rules import rules_for
from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from members.capabilities import Capability, may
from members.models import User
from proposals import conditions, workflow
from proposals.choices import CosignerStatus, ReviewDecision, ReviewStage, State
from proposals.domain import events, groups
from proposals.locks import lock_proposals
from proposals.models import (
    Attachment,
    Cosigner,
    MergeDismissal,
    Proposal,
    ProposalEvent,
    Review,
)
from proposals.notifications import committee_staff, notify, unit_contacts
from proposals.numbering import next_number
from proposals.services.base import action, require
from proposals.services.drafting import _reload


def review(
    user: User,
    proposal: Proposal | int,
    *,
    stage: str,
    decision: str,
    opinion: str = "",
    decline_ground: str = "",
    forward_to: HandlingUnit | int | None = None,
) -> Proposal:
    """Record one review stage. Pass moves on; return sends it back; decline ends it."""
    with action(user, "review", proposal) as step:
        require(decision in ReviewDecision.values, _("审查意见无效。"), "decision")
        opinion = (opinion or "").strip()
        p = step.proposal
        expected = conditions.next_review_stage(p)
        require(
            stage == expected,
            _("当前应进行的审查环节是「{s}」。").format(s=_stage_label(expected)),
            "stage",
        )
        Review.objects.create(
            proposal=p, stage=stage, decision=decision, opinion=opinion, reviewer=user
        )
        step.event = events.reviewed(stage, decision, opinion=opinion)
        if decision == ReviewDecision.PASS:
            p.state = State.UNDER_REVIEW
        elif decision == ReviewDecision.RETURN:
            require(opinion, _("退回修改须说明理由。"), "opinion")
            p.state = State.RETURNED
            notify(
                [p.proposer_id],
                p,
                "returned",
                _("提案《{t}》被退回修改：{o}").format(t=p.title, o=opinion),
            )
        else:
            _decline(step, p, stage, decline_ground, opinion, forward_to)
    return _reload(proposal)


def _decline(step, p: Proposal, stage: str, ground: str, note: str, forward_to) -> None:
    grounds = rules_for(p.committee_id, p.session_id).decline_grounds
    ground = (ground or "").strip()
    require(ground or note, _("不予立案须选择理由或填写说明。"), "decline_ground")
    require(not ground or ground in grounds, _("请从规定的不予立案理由中选择。"), "decline_ground")
    unit = None
    if forward_to is not None:
        unit_id = forward_to.pk if isinstance(forward_to, HandlingUnit) else forward_to
        unit = HandlingUnit.objects.filter(
            pk=unit_id, committee_id=p.committee_id, is_active=True
        ).first()
        require(unit, _("转送单位不存在。"), "forward_to")
    p.state = State.DECLINED
    p.decline_ground = ground
    p.decline_note = note
    p.forwarded_to = unit
    step.event = events.reviewed(
        stage,
        ReviewDecision.DECLINE,
        opinion=note,
        ground=ground,
        forwarded_to=unit.pk if unit else None,
        forwarded_to_name=unit.name if unit else "",
    )
    notify(
        [p.proposer_id],
        p,
        "declined",
        _("提案《{t}》不予立案：{g}").format(t=p.title, g=ground or note),
    )
    if unit is not None:
        notify(
            unit_contacts(unit.pk),
            p,
            "forwarded",
            _("转来意见建议《{t}》，供研究参考").format(t=p.title),
        )


def _stage_label(stage: str | None) -> str:
    return str(ReviewStage(stage).label) if stage else "-"


def file(user: User, proposal: Proposal | int) -> Proposal:
    """立案: give the next number of the session."""
    with action(user, "file", proposal) as step:
        p = step.proposal
        p.sequence, p.number = next_number(p.session)
        p.state = State.FILED
        p.filed_at = timezone.now()
        step.event = events.filed(p.number)
        confirmed = [
            c.member.user_id
            for c in p.cosigners.select_related("member")
            if c.status == CosignerStatus.CONFIRMED
        ]
        notify(
            [p.proposer_id, *confirmed],
            p,
            "filed",
            _("提案《{t}》已立案，案号 {n}").format(t=p.title, n=p.number),
        )
    return _reload(proposal)


def merge(
    user: User, proposal: Proposal | int, into: Proposal | int, comment: str = ""
) -> Proposal:
    """并案: ``proposal`` is handled with ``into``; both keep their proposers."""
    source_id = proposal if isinstance(proposal, int) else proposal.pk
    target_id = into if isinstance(into, int) else into.pk
    with transaction.atomic():
        locked = lock_proposals(source_id, target_id)
        source = locked[source_id]
        workflow.check(user, "merge", source)  # permission before looking at the target
        require(source_id != target_id, _("不能与自身并案。"), "into")
        target = locked.get(target_id)
        require(target, _("主提案不存在。"), "into")
        require(
            target.committee_id == source.committee_id,
            _("只能并入本政协的提案。"),
            "into",
        )
        if target.state not in groups.MERGE_TARGETS or target.merged_into_id:
            raise InvalidTransition(
                _("主提案当前状态为「{s}」，不能并入。").format(s=target.get_state_display())
            )
        with action(user, "merge", source) as step:
            p = step.proposal
            p.state = State.MERGED
            p.merged_into = target
            step.event = events.merged(target.pk, str(target))
            # Proposals already merged into this one follow it to the new target.
            children = list(Proposal.objects.filter(merged_into=p))
            for child in children:
                child.merged_into = target
                child.save(update_fields=["merged_into"])
                ProposalEvent.objects.record(
                    child, user, events.merged(target.pk, str(target), along=True)
                )
            ProposalEvent.objects.record(
                target,
                user,
                events.merged_in([p.pk, *(c.pk for c in children)], p.title, comment),
            )
            notify(
                [p.proposer_id],
                p,
                "merged",
                _("提案《{t}》已与《{u}》并案办理").format(t=p.title, u=target.title),
            )
    return _reload(proposal)


def transfer(
    user: User, proposal: Proposal | int, committee: Committee | int, reason: str
) -> Proposal:
    """转交: the proposal continues in another committee; both sides keep the link and history.

    Returns the new proposal in the receiving committee.
    """
    with action(user, "transfer", proposal) as step:
        reason = (reason or "").strip()
        require(reason, _("请填写转交理由。"), "reason")
        committee_id = committee.pk if isinstance(committee, Committee) else committee
        target = Committee.objects.filter(pk=committee_id).first()
        require(target, _("接收的政协不存在。"), "committee")
        p = step.proposal
        require(target.pk != p.committee_id, _("不能转交给本政协。"), "committee")
        session = Session.objects.for_date(target.pk, step.today)
        if session is None:
            raise DomainError(_("接收的政协尚未设置会次。"), field="committee")
        copy = Proposal.objects.create(
            committee=target,
            session=session,
            kind=p.kind,
            title=p.title,
            background=p.background,
            suggestions=p.suggestions,
            category=p.category,
            source=p.source,
            proposer_id=p.proposer_id,
            organization_id=p.organization_id,
            sector_id=p.sector_id,
            state=State.SUBMITTED,
            submitted_at=p.submitted_at,
            transferred_from=p,
        )
        Cosigner.objects.bulk_create(
            [
                Cosigner(
                    proposal=copy,
                    member_id=c.member_id,
                    status=c.status,
                    responded_at=c.responded_at,
                )
                for c in p.cosigners.all()
            ]
        )
        Attachment.objects.bulk_create(
            [
                Attachment(proposal=copy, file=a.file, name=a.name, uploaded_by_id=a.uploaded_by_id)
                for a in p.attachments.all()
            ]
        )
        p.state = State.TRANSFERRED
        step.event = events.transferred(copy.pk, target.pk, target.name, reason)
        ProposalEvent.objects.record(
            copy,
            user,
            events.transferred_in(p.pk, p.committee_id, p.committee.name, reason),
            from_state="",
        )
        notify(
            committee_staff(target.pk),
            copy,
            "transferred_in",
            _("{c}转来提案《{t}》").format(c=p.committee, t=p.title),
        )
        notify(
            [p.proposer_id],
            p,
            "transferred",
            _("提案《{t}》已转交{c}办理").format(t=p.title, c=target),
        )
    return copy


def dismiss_merge_suggestion(user: User, proposal_ids: list[int]) -> int:
    """不予并案: staff judged a suggested group not to be one proposal; every pair of it is
    remembered (``MergeDismissal``, with who and when) and not suggested again.

    Returns the number of pairs newly remembered."""
    if not may(user, Capability.ROUTE_PROPOSALS):
        raise NotPermitted(_("只有提案委员会工作人员可以处理并案建议。"))
    ids = sorted(set(proposal_ids))
    require(len(ids) >= 2, _("请至少选择两件提案。"), "proposals")
    with transaction.atomic():
        found = Proposal.objects.visible_to(user).filter(pk__in=ids)
        require(found.count() == len(ids), _("提案不存在或无权查看。"), "proposals")
        require(
            found.values("committee_id", "session_id").distinct().count() == 1,
            _("只能处理同一会次的提案。"),
            "proposals",
        )
        made = 0
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                _row, created = MergeDismissal.objects.get_or_create(
                    first_id=first, second_id=second, defaults={"dismissed_by": user}
                )
                made += created
    return made
