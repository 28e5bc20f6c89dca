"""Drive a proposal to a given point of its life through the real service layer."""

from __future__ import annotations

import datetime

from proposals.choices import ReviewDecision
from proposals.models import Assignment, Proposal
from proposals.services import drafting, feedback, handling, review
from tests.factories import World

DAY = datetime.date(2025, 3, 10)


def draft(w: World, cosigners: bool = True, **data) -> Proposal:
    content = {
        "title": "关于加快发展数字经济的提案",
        "background": "情况分析……",
        "suggestions": "具体建议……",
        "category": "economic",
        **data,
    }
    return drafting.create_draft(
        w.member.user, content, cosigners=[w.cosigner.pk] if cosigners else [], today=DAY
    )


def submitted(w: World, **kw) -> Proposal:
    p = draft(w, **kw)
    return drafting.submit(w.member.user, p, today=DAY)


def confirmed(w: World, **kw) -> Proposal:
    p = submitted(w, **kw)
    if p.cosigners.exists():
        drafting.cosign(w.cosigner.user, p)
    return p


def reviewed(w: World, **kw) -> Proposal:
    p = confirmed(w, **kw)
    for stage in ("initial", "second", "joint"):
        review.review(w.staff, p, stage=stage, decision=ReviewDecision.PASS, opinion="同意")
    return p


def filed(w: World, **kw) -> Proposal:
    return review.file(w.staff, reviewed(w, **kw))


def assigned(w: World, with_co: bool = True, on: datetime.date = DAY, **kw) -> Proposal:
    p = filed(w, **kw)
    return handling.assign(
        w.staff,
        p,
        lead_unit=w.units[0].pk,
        co_units=[w.units[1].pk] if with_co else [],
        today=on,
    )


def lead_assignment(p: Proposal) -> Assignment:
    return p.assignments.get(role="lead", status__in=["assigned", "accepted", "replied"])


def co_assignment(p: Proposal) -> Assignment:
    return p.assignments.get(role="co")


def ready_to_reply(w: World, **kw) -> Proposal:
    """Assigned, accepted by the lead unit, with the co-unit's opinion in."""
    p = assigned(w, **kw)
    handling.accept(w.lead_handler, lead_assignment(p), today=DAY)
    if p.assignments.filter(role="co").exists():
        handling.give_opinion(w.co_handler, co_assignment(p), "同意主办单位意见", today=DAY)
    return p


def replied(w: World, classification: str = "B", letter=None, **kw) -> Proposal:
    """Answered by the lead unit, with the signed ``letter`` (an upload) if given."""
    p = ready_to_reply(w, **kw)
    lead = lead_assignment(p)
    handling.reply(
        w.lead_handler,
        lead,
        classification=classification,
        content="答复内容",
        attachment=letter,
        today=DAY,
    )
    p.refresh_from_db()
    return p


def closed(w: World, **kw) -> Proposal:
    p = replied(w, **kw)
    feedback.give_feedback(
        w.member.user, p, communication="satisfied", result="satisfied", today=DAY
    )
    p.refresh_from_db()
    return p
