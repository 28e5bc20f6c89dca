"""What the workflow's actions need of a proposal (co-signers confirmed, review stages
passed, co-unit opinions in…), each answered as a Chinese reason when it is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from committees.rules import rules_for, rules_for_many
from proposals.actors import Context, cosigner_record
from proposals.choices import AssignmentStatus as AS
from proposals.choices import CosignerStatus, DeadlineKind, ReviewDecision, Source, UnitRole
from proposals.domain import groups

if TYPE_CHECKING:
    from proposals.models import Proposal


# ---- preconditions: what an action needs, as a Chinese message when it is missing ----------


def submit_ready(c: Context) -> str | None:
    p = c.proposal
    missing = [
        label
        for label, value in ((_("案由"), p.title), (_("具体建议"), p.suggestions))
        if not (value or "").strip()
    ]
    if missing:
        return _("提交前请填写：{fields}。").format(fields="、".join(missing))
    if p.source == Source.COLLECTIVE and not p.organization_id:
        return _("集体提案须注明提案单位。")
    return None


def invitation_pending(c: Context) -> str | None:
    record = cosigner_record(c)
    if record is None or record.status != CosignerStatus.INVITED:
        return _("您没有待确认的联名邀请。")
    return None


def pending_cosigners(proposal: Proposal) -> list:
    return [c for c in proposal.cosigners.all() if c.status == CosignerStatus.INVITED]


def some_cosigner_pending(c: Context) -> str | None:
    return None if pending_cosigners(c.proposal) else _("没有待确认的联名人。")


def passed_stages(proposal: Proposal) -> list[str]:
    """Stages passed since the proposal was last returned (a return starts review over)."""
    passed: list[str] = []
    for review in proposal.reviews.all():
        if review.decision == ReviewDecision.PASS:
            passed.append(review.stage)
        else:
            passed = []
    return passed


def rules_of(proposal: Proposal):
    """The proposal's rule set, cached on the object (lists attach them in one query)."""
    cached = getattr(proposal, "_rules", None)
    if cached is None:
        cached = rules_for(proposal.committee_id, proposal.session_id)
        proposal._rules = cached
    return cached


def attach_rules(proposals) -> None:
    """Give every proposal of a page its rule set with one query."""
    proposals = list(proposals)
    found = rules_for_many({(p.committee_id, p.session_id) for p in proposals})
    for p in proposals:
        p._rules = found[(p.committee_id, p.session_id)]


def next_review_stage(proposal: Proposal) -> str | None:
    stages = rules_of(proposal).review_stages
    done = passed_stages(proposal)
    remaining = [s for s in stages if s not in done]
    return remaining[0] if remaining else None


def review_ready(c: Context) -> str | None:
    waiting = pending_cosigners(c.proposal)
    if waiting:
        names = "、".join(str(w.member) for w in waiting)
        return _("联名人尚未全部确认（{names}），暂不能审查。").format(names=names)
    if next_review_stage(c.proposal) is None:
        return _("审查环节已全部通过，请立案。")
    return None


def stages_passed(c: Context) -> str | None:
    if next_review_stage(c.proposal) is not None:
        return _("尚有审查环节未通过，不能立案。")
    return None


def is_key(c: Context) -> str | None:
    return None if c.proposal.is_key else _("只有重点提案需要督办记录。")


def open_deadline(c: Context, kind: str):
    source = c.assignment if c.assignment is not None else c.proposal
    for deadline in source.deadlines.all():
        if deadline.kind == kind and deadline.is_open:
            return deadline
    return None


def handling_deadline(c: Context):
    """The assignment's open reply or opinion deadline, if any (what a 催办 is about)."""
    for kind in sorted(groups.HANDLING_DEADLINES):
        deadline = open_deadline(c, kind)
        if deadline is not None:
            return deadline
    return None


def overdue(c: Context) -> str | None:
    deadline = handling_deadline(c)
    if deadline is None or deadline.due_date >= c.today:
        return _("该单位的办理期限尚未届满，不需催办。")
    return None


def in_reroute_window(c: Context) -> str | None:
    window = open_deadline(c, DeadlineKind.REROUTE_WINDOW)
    if window is None or c.today > window.due_date:
        return _("已超过申请调整期限，不能再申请调整承办单位。")
    return None


def co_opinions_in(c: Context) -> str | None:
    if c.assignment is None or c.assignment.role != UnitRole.LEAD:
        return None
    waiting = [
        a
        for a in c.proposal.assignments.all()
        if a.role == UnitRole.CO and a.status in (AS.ASSIGNED, AS.ACCEPTED, AS.REROUTE_REQUESTED)
    ]
    if waiting:
        names = "、".join(str(a.unit) for a in waiting)
        return _("会办单位尚未提交会办意见（{names}），暂不能答复。").format(names=names)
    return None


def not_yet_given_feedback(c: Context) -> str | None:
    p = c.proposal
    if any(f.user_id == c.user.pk and f.round == p.handling_round for f in p.feedback.all()):
        return _("您已对本轮办理作出反馈。")
    return None


def feedback_window_over(c: Context) -> str | None:
    window = open_deadline(c, DeadlineKind.FEEDBACK)
    if window is not None and c.today <= window.due_date:
        return _("反馈期限（{due}）未满，不能直接办结。").format(due=window.due_date)
    return None
