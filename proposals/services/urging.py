"""催办: staff urge a unit whose reply or opinion is overdue (the overdue board's button).

The reminders go through the reminder service's outbox like the daily sweep's — one row
per person, delivered by the same task, shown in the same log — under a key that allows
one 催办 per assignment and person a day; the proposal's log records who urged whom.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.workcalendar import Calendars
from cppcc.errors import InvalidTransition
from members.models import User
from proposals import conditions
from proposals.actors import Context
from proposals.choices import ReminderAudience, ReminderKind, ReminderStatus
from proposals.deadlines import workdays_late
from proposals.domain import events
from proposals.models import Assignment, Reminder
from proposals.reminders.messages import proposal_ref
from proposals.reminders.policy import EMAIL, IN_APP, SMS
from proposals.reminders.sweep import enqueue_delivery
from proposals.services.base import action

THRESHOLD = "manual"  # Reminder.threshold_label: 人工催办


def urge(user: User, assignment: Assignment, today: datetime.date | None = None) -> list[int]:
    """Send the unit's people a 催办 now; returns the new reminders' ids."""
    today = today or timezone.localdate()
    with action(user, "urge", assignment.proposal_id, assignment=assignment, today=today) as step:
        a = step.assignment
        p = step.proposal
        deadline = conditions.handling_deadline(Context(user, p, a, today))
        days = workdays_late(Calendars(today), p.committee_id, deadline.due_date)
        ref = proposal_ref(p.title, p.number)
        message = _(
            "【催办】提案{ref}的{what}期限 {due} 已逾期 {n} 个工作日，请尽快办理。"
            "（{committee}提案委员会 {staff}）"
        ).format(
            ref=ref,
            what=deadline.get_kind_display().removesuffix("期限"),
            due=deadline.due_date,
            n=days,
            committee=p.committee,
            staff=user,
        )
        people = dict(
            User.objects.filter(unit_id=a.unit_id, is_active=True).values_list(
                "pk", "unit_position"
            )
        )
        keys = {f"urge:{a.pk}:{today}:u{person}": person for person in people}
        if not people:
            raise InvalidTransition(_("该单位没有可接收提醒的账号，请先为其开通账号。"))
        if Reminder.objects.filter(key__in=keys).exists():
            raise InvalidTransition(_("今天已催办过该单位，提醒仍在发送或已送达。"))
        rows = Reminder.objects.bulk_create(
            Reminder(
                key=key,
                kind=ReminderKind(deadline.kind),
                threshold=THRESHOLD,
                audience=ReminderAudience.LEADER
                if people[person] == User.UnitPosition.LEADER
                else ReminderAudience.HANDLER,
                user_id=person,
                proposal=p,
                assignment=a,
                deadline=deadline,
                due_date=deadline.due_date,
                for_date=today,
                message=message[:300],
                channels=[IN_APP, EMAIL, SMS],
                status=ReminderStatus.PENDING,
            )
            for key, person in keys.items()
        )
        ids = [r.pk for r in rows]
        enqueue_delivery(ids)
        step.event = events.urged(a.pk, a.unit.name, deadline.due_date, days, len(ids))
    return ids
