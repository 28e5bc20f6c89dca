"""What one row of an exported list shows: the proposal list and the assignment inbox.

Every value comes from the prefetched relations of ``proposals.exports.sources`` (no
query per row): filtering prefetched ``.all()`` lists happens in Python on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.choices import (
    AssignmentStatus,
    Category,
    CosignerStatus,
    DeadlineKind,
    Kind,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.exports.xlsx import DATE, DATETIME, INT, Column
from proposals.models import Assignment, Proposal, Reply
from proposals.queries import current_deadline

T = TypeVar("T")
LIST_SEPARATOR = "、"
YES, NO = _("是"), _("否")
SOURCE_SHORT = {Source.MEMBER: _("委员"), Source.COLLECTIVE: _("集体")}


def label_of(choices, value: str) -> str:
    """A choice's label (the enum's own lookup: far cheaper than ``get_FOO_display``)."""
    return str(choices(value).label) if value in choices.values else (value or "")


def proposer_name(p: Proposal) -> str:
    """The collective proposer's name, else the first proposer's."""
    return str(p.organization) if p.organization_id else str(p.proposer)


def _cached(obj, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per row object: several columns read the same relation."""
    cache = obj.__dict__.setdefault("_export_cache", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def confirmed_cosigners(p: Proposal) -> list[str]:
    return _cached(
        p,
        "cosigners",
        lambda: [str(c.member) for c in p.cosigners.all() if c.status == CosignerStatus.CONFIRMED],
    )


def active_assignments(p: Proposal, *roles: str) -> list[Assignment]:
    active = _cached(p, "assignments", lambda: [a for a in p.assignments.all() if a.is_active])
    return [a for a in active if not roles or a.role in roles]


def unit_names(p: Proposal, role: str) -> str:
    return LIST_SEPARATOR.join(str(a.unit) for a in active_assignments(p, role))


def latest_reply(assignment: Assignment) -> Reply | None:
    def latest() -> Reply | None:
        replies = list(assignment.replies.all())
        return max(replies, key=lambda r: (r.round, r.pk)) if replies else None

    return _cached(assignment, "reply", latest)


def answering_replies(p: Proposal) -> list[Reply]:
    """The latest reply of each unit that answers the proposal (lead or separate)."""
    answering = active_assignments(p, UnitRole.LEAD, UnitRole.SEPARATE)
    return [r for r in map(latest_reply, answering) if r is not None]


def reply_classes(p: Proposal) -> str:
    return LIST_SEPARATOR.join(r.classification for r in answering_replies(p))


def last_reply_date(p: Proposal):
    dates = [r.reply_date for r in answering_replies(p)]
    return max(dates) if dates else None


def satisfaction(p: Proposal) -> str:
    """The lead proposer's word on the result of the latest round that has one."""
    decisive = [f for f in p.feedback.all() if f.is_decisive]
    if not decisive:
        return ""
    latest = max(decisive, key=lambda f: (f.round, f.pk))
    return label_of(Satisfaction, latest.result)


PROPOSAL_COLUMNS = [
    Column(_("案号"), lambda p: p.number, width=14),
    Column(_("案由"), lambda p: p.title, width=46, wrap=True),
    Column(_("提案人"), proposer_name, width=18),
    Column(_("联名人"), lambda p: LIST_SEPARATOR.join(confirmed_cosigners(p)), width=24, wrap=True),
    Column(_("联名人数"), lambda p: len(confirmed_cosigners(p)), type=INT, width=9),
    Column(_("类型"), lambda p: SOURCE_SHORT.get(p.source, ""), width=8),
    Column(_("提案类型"), lambda p: label_of(Kind, p.kind), width=10),
    Column(_("会次"), lambda p: p.session.name, width=14),
    Column(_("界别"), lambda p: p.sector.name if p.sector_id else "", width=14),
    Column(_("类别"), lambda p: label_of(Category, p.category), width=12),
    Column(_("状态"), lambda p: label_of(State, p.state), width=10),
    Column(_("重点提案"), lambda p: YES if p.is_key else NO, width=9),
    Column(_("提交日期"), lambda p: p.submitted_at, type=DATE, width=12),
    Column(_("立案日期"), lambda p: p.filed_at, type=DATE, width=12),
    Column(_("主办单位"), lambda p: unit_names(p, UnitRole.LEAD), width=24, wrap=True),
    Column(_("会办单位"), lambda p: unit_names(p, UnitRole.CO), width=24, wrap=True),
    Column(_("分办单位"), lambda p: unit_names(p, UnitRole.SEPARATE), width=20, wrap=True),
    Column(_("答复类别"), reply_classes, width=9),
    Column(_("答复日期"), last_reply_date, type=DATE, width=12),
    Column(_("满意度"), satisfaction, width=10),
    Column(_("办结日期"), lambda p: p.closed_at, type=DATE, width=12),
]


def deadline_of(a: Assignment):
    """The due date the inbox shows (``current_deadline``), once per row."""
    return _cached(a, "deadline", lambda: current_deadline(a))


def days_overdue(a: Assignment) -> int | None:
    """Calendar days past the open reply/opinion deadline (None when not overdue)."""
    deadline = deadline_of(a)
    if deadline is None or not deadline.is_open:
        return None
    late = (timezone.localdate() - deadline.due_date).days
    return late if late > 0 else None


ASSIGNMENT_COLUMNS = [
    Column(_("案号"), lambda a: a.proposal.number, width=14),
    Column(_("案由"), lambda a: a.proposal.title, width=46, wrap=True),
    Column(_("提案人"), lambda a: proposer_name(a.proposal), width=18),
    Column(_("承办单位"), lambda a: a.unit.name, width=24),
    Column(_("办理方式"), lambda a: label_of(UnitRole, a.role), width=9),
    Column(_("办理状态"), lambda a: label_of(AssignmentStatus, a.status), width=12),
    Column(_("提案状态"), lambda a: label_of(State, a.proposal.state), width=10),
    Column(_("交办日期"), lambda a: a.assigned_on, type=DATE, width=12),
    Column(_("签收时间"), lambda a: a.accepted_at, type=DATETIME, width=17),
    Column(
        _("期限类型"),
        lambda a: label_of(DeadlineKind, d.kind) if (d := deadline_of(a)) else "",
        width=14,
    ),
    Column(_("截止日期"), lambda a: d.due_date if (d := deadline_of(a)) else None, type=DATE),
    Column(_("超期天数"), days_overdue, type=INT, width=9),
    Column(
        _("答复类别"),
        lambda a: r.classification if (r := latest_reply(a)) else "",
        width=9,
    ),
    Column(_("答复日期"), lambda a: r.reply_date if (r := latest_reply(a)) else None, type=DATE),
]
