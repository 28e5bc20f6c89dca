"""Feedback (反馈), re-handling (重新办理) and closing (办结)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.rules import rules_for
from committees.workcalendar import WorkCalendar
from cppcc.errors import DomainError
from members.models import User
from proposals import deadlines
from proposals.actors import feedback_givers
from proposals.choices import AssignmentStatus, DeadlineKind, Satisfaction, State
from proposals.domain import events, groups
from proposals.models import Deadline, Feedback, Proposal, ProposalEvent
from proposals.notifications import notify, unit_contacts
from proposals.services.base import action, require
from proposals.services.drafting import _reload


def give_feedback(
    user: User,
    proposal: Proposal | int,
    *,
    communication: str,
    result: str,
    comment: str = "",
    today: datetime.date | None = None,
) -> Feedback:
    """One person's feedback on this round. The lead proposer's decides the outcome:
    satisfied or basically satisfied closes; dissatisfied sends it back to the units."""
    with action(user, "feedback", proposal, today=today) as step:
        require(
            communication in Satisfaction.values, _("请评价对沟通情况的满意度。"), "communication"
        )
        require(result in Satisfaction.values, _("请评价对办理结果的满意度。"), "result")
        comment = (comment or "").strip()
        if result == Satisfaction.DISSATISFIED:
            require(comment, _("不满意时请说明理由，以便重新办理。"), "comment")
        p = step.proposal
        decisive = feedback_givers(p)[user.pk]
        record = Feedback.objects.create(
            proposal=p,
            round=p.handling_round,
            user=user,
            is_decisive=decisive,
            communication=communication,
            result=result,
            comment=comment,
        )
        rehandling_round, closed = None, False
        if decisive:
            if result == Satisfaction.DISSATISFIED:
                _start_rehandling(step, p, comment)
                rehandling_round = p.handling_round
            else:
                _close(step, p)
                closed = True
        step.event = events.feedback_given(
            record.pk, communication, result, rehandling_round=rehandling_round, closed=closed
        )
    return record


def _start_rehandling(step, p: Proposal, comment: str) -> None:
    rules = rules_for(p.committee_id, p.session_id)
    calendar = WorkCalendar.for_committee(p.committee_id)
    deadlines.close_deadlines(p.deadlines.filter(kind=DeadlineKind.FEEDBACK))
    p.state = State.REHANDLING
    p.handling_round += 1
    units = []
    for a in p.assignments.all():
        if a.role not in groups.REPLYING_ROLES or not a.is_active:
            continue
        previous = a.deadlines.filter(kind=DeadlineKind.REPLY).order_by("-due_date").first()
        if rules.rehandling_restarts_clock or previous is None:
            start = step.today
        else:
            start = previous.due_date
        a.status = AssignmentStatus.ACCEPTED
        a.save(update_fields=["status"])
        deadlines.open_deadline(p, "rehandling_months", start, a, calendar)
        units.append(a.unit_id)
        notify(
            unit_contacts(a.unit_id),
            p,
            "rehandling",
            _("提案人对《{t}》的办理结果不满意，请重新办理：{c}").format(t=p.title, c=comment),
        )


def _close(step, p: Proposal) -> None:
    deadlines.close_deadlines(p.deadlines.filter(kind=DeadlineKind.FEEDBACK))
    p.state = State.CLOSED
    p.closed_at = timezone.now()
    for merged in p.merged_proposals.all():
        ProposalEvent.objects.record(merged, step.user, events.group_closed(p.pk, p.title))


def close(
    user: User | None, proposal: Proposal | int, today: datetime.date | None = None
) -> Proposal:
    """办结 after the feedback window passed with no word from the lead proposer."""
    with action(user, "close", proposal, today=today) as step:
        step.event = events.closed_without_feedback()
        _close(step, step.proposal)
    return _reload(proposal)


def close_expired_feedback_windows(today: datetime.date | None = None) -> list[int]:
    """What the scheduler runs: close every proposal whose feedback window has passed."""
    today = today or timezone.localdate()
    due = Deadline.objects.filter(
        kind=DeadlineKind.FEEDBACK,
        is_open=True,
        due_date__lt=today,
        proposal__state=State.REPLIED,
    ).values_list("proposal_id", flat=True)
    closed = []
    for proposal_id in sorted(set(due)):
        try:
            close(None, proposal_id, today=today)
        except DomainError:
            continue  # changed meanwhile (e.g. feedback arrived); nothing to do
        closed.append(proposal_id)
    return closed
