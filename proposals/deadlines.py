"""Deadline rules, in one place: how each due date is computed, extended and recomputed.

Every due date is a :class:`~proposals.models.Deadline` row that keeps its start,
the rule it followed (rule-set field, quantity, unit, version) and the computation
(days skipped, years that fell back to Monday–Friday). When a rule set or the
calendar changes, :func:`recompute_open_deadlines` moves every open due date that
was not set by hand and logs each move on the proposal (and each due date whose
Monday–Friday warning appeared or went away, even when the date stayed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeEvent, RuleSet
from committees.rules import rules_for
from committees.workcalendar import Calendars, Stretch, WorkCalendar
from cppcc.errors import DomainError
from proposals.choices import DeadlineKind
from proposals.domain import events
from proposals.models import Assignment, Deadline, Proposal, ProposalEvent

WORKDAYS = "workdays"
MONTHS = "months"

# Which rule-set field gives each kind of deadline, and in which unit.
RULE_FIELDS: dict[str, tuple[str, str]] = {
    "reroute_window_workdays": (DeadlineKind.REROUTE_WINDOW, WORKDAYS),
    "co_opinion_months": (DeadlineKind.CO_OPINION, MONTHS),
    "reply_months": (DeadlineKind.REPLY, MONTHS),
    "rehandling_months": (DeadlineKind.REPLY, MONTHS),
    "feedback_months": (DeadlineKind.FEEDBACK, MONTHS),
}


@dataclass
class Computed:
    due_date: datetime.date
    rule: dict
    computation: dict


def compute(
    calendar: WorkCalendar, rules: RuleSet, rule_field: str, start: datetime.date
) -> Computed:
    """Apply one rule of ``rules`` to ``start`` on ``calendar``."""
    unit = RULE_FIELDS[rule_field][1]
    quantity = getattr(rules, rule_field)
    stretch: Stretch
    if unit == WORKDAYS:
        stretch = calendar.add_workdays(start, quantity)
    else:
        stretch = calendar.add_months(start, quantity)
    return Computed(
        due_date=stretch.date,
        rule={
            "field": rule_field,
            "quantity": quantity,
            "unit": unit,
            "rule_set": rules.pk,
            "version": rules.version,
        },
        computation={
            "start": start.isoformat(),
            "skipped": [d.isoformat() for d in stretch.skipped],
            "fallback_years": sorted(stretch.fallback_years),
        },
    )


def open_deadline(
    proposal: Proposal,
    rule_field: str,
    start: datetime.date,
    assignment: Assignment | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """Create the open deadline of the kind ``rule_field`` gives, counted from ``start``."""
    rules = rules_for(proposal.committee_id, proposal.session_id)
    calendar = calendar or WorkCalendar.for_committee(proposal.committee_id)
    computed = compute(calendar, rules, rule_field, start)
    return Deadline.objects.create(
        proposal=proposal,
        assignment=assignment,
        kind=RULE_FIELDS[rule_field][0],
        start_date=start,
        due_date=computed.due_date,
        rule=computed.rule,
        computation=computed.computation,
    )


def close_deadlines(queryset) -> int:
    """Mark the open deadlines of ``queryset`` as met now."""
    return queryset.filter(is_open=True).update(is_open=False, met_at=timezone.now())


def extension_cap(deadline: Deadline, today: datetime.date) -> datetime.date:
    """The latest date a reply deadline may be extended to (``reply_max_months`` in all)."""
    proposal = deadline.proposal
    rules = rules_for(proposal.committee_id, proposal.session_id)
    clock_start = today if rules.extension_restarts_clock else deadline.start_date
    # A month-based limit like any other: same day N months later, then a working day.
    calendar = WorkCalendar.for_committee(proposal.committee_id)
    return calendar.add_months(clock_start, rules.reply_max_months).date


def validate_extension(deadline: Deadline, new_due: datetime.date, today: datetime.date) -> None:
    if deadline.kind != DeadlineKind.REPLY or not deadline.is_open:
        raise DomainError(_("只能对未完成的答复期限延期。"), field="due_date")
    if new_due <= deadline.due_date:
        raise DomainError(_("新的截止日期必须晚于当前截止日期。"), field="due_date")
    cap = extension_cap(deadline, today)
    if new_due > cap:
        raise DomainError(
            _("延期后的答复期限最迟为 {cap}（累计不超过规定的最长期限）。").format(cap=cap),
            field="due_date",
        )


def recompute_open_deadlines(
    committee: Committee, actor=None, reason: str = ""
) -> list[tuple[Deadline, datetime.date]]:
    """Recompute every open, not hand-extended due date of ``committee``.

    Returns the (deadline, previous due date) pairs that moved; each move is logged
    on its proposal, and one summary on the committee.
    """
    calendar = WorkCalendar.for_committee(committee.pk)
    rules_cache: dict[int | None, RuleSet] = {}
    moved: list[tuple[Deadline, datetime.date]] = []
    deadlines = Deadline.objects.filter(
        proposal__committee=committee, is_open=True, extended=False
    ).select_related("proposal")
    for deadline in deadlines:
        session_id = deadline.proposal.session_id
        if session_id not in rules_cache:
            rules_cache[session_id] = rules_for(committee.pk, session_id)
        rule_field = deadline.rule.get("field")
        if rule_field not in RULE_FIELDS:
            continue
        computed = compute(calendar, rules_cache[session_id], rule_field, deadline.start_date)
        if (computed.due_date, computed.computation) == (
            deadline.due_date,
            deadline.computation,
        ) and computed.rule.get("quantity") == deadline.rule.get("quantity"):
            continue
        previous = deadline.due_date
        previous_fallback = deadline.computation.get("fallback_years") or []
        deadline.due_date = computed.due_date
        deadline.rule = computed.rule
        deadline.computation = computed.computation
        deadline.save(update_fields=["due_date", "rule", "computation"])
        if previous != computed.due_date:
            moved.append((deadline, previous))
        elif previous_fallback == computed.computation["fallback_years"]:
            continue
        # Moved; or the same date but the Monday–Friday warning appeared or went away,
        # which the proposal's history must explain too.
        ProposalEvent.objects.record(
            deadline.proposal,
            actor,
            events.deadline_recomputed(
                deadline.pk,
                deadline.kind,
                previous,
                computed.due_date,
                reason,
                computed.computation["fallback_years"],
            ),
        )
    CommitteeEvent.objects.create(
        committee=committee,
        actor=actor,
        action="deadlines_recomputed",
        message=_("因{reason}重新计算未完成期限，调整 {count} 项。").format(
            reason=reason, count=len(moved)
        ),
        data={"moved": [d.pk for d, _prev in moved]},
    )
    return moved


def workdays_late(calendars: Calendars, committee_id: int, due: datetime.date) -> int:
    """Working days from a past due date to today (0 when it is not past): what the
    overdue board and the work centre show, as the reminders count "逾期N个工作日"."""
    return max(0, -calendars.offset(committee_id, due))
