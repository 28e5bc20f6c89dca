"""Running the reminder sweep in tests: delivery inline, dates frozen by argument."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet

from committees.workcalendar import WorkCalendar
from cppcc.db import set_local
from members.models import User
from members.roles import Role
from proposals.models import Reminder
from proposals.reminders.delivery import deliver_many
from proposals.reminders.sweep import SweepResult, sweep
from tests.factories import UserFactory, World


def run(today: datetime.date, **kw) -> SweepResult:
    """One sweep as beat would run it, with delivery done at once."""
    return sweep(today, dispatch=lambda ids: deliver_many(ids), **kw)


def crash(today: datetime.date, **kw) -> SweepResult:
    """A sweep whose worker dies after recording, before anything is delivered."""
    return sweep(today, dispatch=lambda ids: None, **kw)


def sent(today: datetime.date, **filters) -> list[tuple[str, int]]:
    """(threshold, user id) of the reminders recorded for ``today``."""
    rows = Reminder.objects.filter(for_date=today, **filters).order_by("threshold", "user_id")
    return list(rows.values_list("threshold", "user_id"))


def leader_of(w: World, unit_index: int = 0) -> User:
    return UserFactory(
        committee=w.committee,
        roles=[Role.UNIT],
        unit=w.units[unit_index],
        unit_position=User.UnitPosition.LEADER,
    )


def workday_before(calendar: WorkCalendar, due: datetime.date, n: int) -> datetime.date:
    """The working day ``n`` working days before ``due`` (negative n: after)."""
    day = due
    step = datetime.timedelta(days=-1 if n > 0 else 1)
    while calendar.workdays_between(day, due) != n or not calendar.is_workday(day):
        day += step
    return day


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def stage(reminders: QuerySet[Reminder], **fields) -> int:
    """Put delivered reminders into the state a test needs (failed, retried…). Test data:
    the audit trigger that keeps delivered reminders is told this transaction stages a
    world, as ``seed_demo --reset`` does."""
    with transaction.atomic():
        set_local("cppcc.erase_world")
        return reminders.update(**fields)
