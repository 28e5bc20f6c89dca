"""Reply deadlines: each threshold once, on working days only, China's calendar."""

from __future__ import annotations

import datetime

import pytest

from committees.workcalendar import WorkCalendar
from proposals.choices import DeadlineKind
from proposals.models import Deadline, Reminder
from proposals.services import handling
from tests import flows
from tests.proposals.reminders.helpers import days, run, workday_before

D = datetime.date

pytestmark = pytest.mark.django_db


def reply_deadline(p) -> Deadline:
    return Deadline.objects.get(
        proposal=p, kind=DeadlineKind.REPLY, assignment__role="lead", is_open=True
    )


def reply_reminders(w, since: datetime.date) -> dict[datetime.date, str]:
    rows = Reminder.objects.filter(
        kind=DeadlineKind.REPLY, user=w.lead_handler, for_date__gte=since
    ).order_by("for_date")
    return dict(rows.values_list("for_date", "threshold"))


def test_every_threshold_is_sent_once_on_its_working_day(world):
    p = flows.assigned(world)  # assigned Monday 2025-03-10: reply due 3 months later
    due = reply_deadline(p).due_date
    assert due == D(2025, 6, 10)
    calendar = WorkCalendar.for_committee(world.committee.pk)
    for day in days(D(2025, 5, 1), D(2025, 7, 20)):
        run(day)
    expected = {
        workday_before(calendar, due, 15): "before:15",
        workday_before(calendar, due, 7): "before:7",
        workday_before(calendar, due, 3): "before:3",
        workday_before(calendar, due, 1): "before:1",
        due: "due",
        workday_before(calendar, due, -5): "overdue:5",
        workday_before(calendar, due, -10): "overdue:10",
        workday_before(calendar, due, -15): "overdue:15",
        workday_before(calendar, due, -20): "overdue:20",
        workday_before(calendar, due, -25): "overdue:25",
    }
    assert reply_reminders(world, D(2025, 5, 1)) == expected
    # Dragon Boat Festival 2025 (31 May – 2 June) is skipped: 15 working days
    # before 10 June is 19 May, not 20 May.
    assert workday_before(calendar, due, 15) == D(2025, 5, 19)
    assert all(calendar.is_workday(day) for day in expected)


def test_a_second_sweep_on_the_same_day_records_and_sends_nothing(world, mailoutbox):
    p = flows.assigned(world)
    calendar = WorkCalendar.for_committee(world.committee.pk)
    day = workday_before(calendar, reply_deadline(p).due_date, 3)
    first = run(day)
    mails = len(mailoutbox)
    second = run(day)
    assert first.recorded >= 1 and second.recorded == 0
    assert len(mailoutbox) == mails
    assert Reminder.objects.filter(for_date=day).count() == first.recorded


def test_nothing_is_sent_on_a_weekend_or_holiday(world):
    flows.assigned(world)
    for day in (D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2), D(2025, 6, 7)):
        result = run(day)
        assert result.recorded == 0 and result.days_off == [world.committee.pk]
    assert not Reminder.objects.exists()


def test_a_missed_sweep_day_is_caught_up_the_next_working_day(world):
    p = flows.assigned(world)
    due = reply_deadline(p).due_date
    calendar = WorkCalendar.for_committee(world.committee.pk)
    three_before = workday_before(calendar, due, 3)
    # The sweep did not run on the day of "3 left"; the next morning makes up for it.
    next_day = workday_before(calendar, due, 2)
    run(next_day)
    assert reply_reminders(world, next_day) == {next_day: "before:3"}
    message = Reminder.objects.get(for_date=next_day, user=world.lead_handler, kind="reply")
    assert "还有 2 个工作日" in message.message
    run(three_before + datetime.timedelta(days=0))  # a late run for the old day adds nothing new
    assert Reminder.objects.filter(kind="reply", threshold="before:3").count() == 1


def test_national_day_break_and_its_make_up_workdays(world):
    """Due date computed into National Day 2025 rolls to 9 Oct; make-up Sunday 28 Sep
    is a working day (3 left), and nothing goes out from 1 to 8 October."""
    p = flows.assigned(world, on=D(2025, 7, 1))
    due = reply_deadline(p).due_date
    assert due == D(2025, 10, 9)
    for day in days(D(2025, 9, 1), D(2025, 10, 20)):
        run(day)
    assert reply_reminders(world, D(2025, 9, 1)) == {
        D(2025, 9, 11): "before:15",  # 15 working days back, 28 Sep counted
        D(2025, 9, 23): "before:7",
        D(2025, 9, 28): "before:3",  # Sunday, but a make-up working day
        D(2025, 9, 30): "before:1",
        D(2025, 10, 9): "due",
        D(2025, 10, 15): "overdue:5",  # Saturday 11 Oct (make-up) counts as day 2
    }
    assert not Reminder.objects.filter(for_date__range=(D(2025, 10, 1), D(2025, 10, 8))).exists()


def test_spring_festival_2026_due_date_and_make_up_saturday(world):
    p = flows.assigned(world, on=D(2025, 11, 17))
    due = reply_deadline(p).due_date
    # 17 Feb 2026 falls in the Spring Festival break (15–23 Feb): rolled to the 24th.
    assert due == D(2026, 2, 24)
    for day in days(D(2026, 2, 9), D(2026, 2, 25)):
        run(day)
    reminders = reply_reminders(world, D(2026, 2, 9))
    assert reminders[D(2026, 2, 14)] == "before:1"  # Saturday 14 Feb is a working day
    assert reminders[D(2026, 2, 24)] == "due"
    assert not any(D(2026, 2, 15) <= day <= D(2026, 2, 23) for day in reminders)


def test_an_extension_moves_the_thresholds(world):
    p = flows.assigned(world)
    deadline = reply_deadline(p)
    calendar = WorkCalendar.for_committee(world.committee.pk)
    three_before = workday_before(calendar, deadline.due_date, 3)
    run(three_before)
    new_due = D(2025, 7, 10)
    handling.extend(world.staff, p, due_date=new_due, reason="需要调研", today=three_before)
    # The old due date's "1 left" and "due" are not sent any more ...
    for day in days(three_before, D(2025, 7, 31)):
        run(day)
    thresholds = reply_reminders(world, three_before)
    assert thresholds.get(deadline.due_date) is None
    # ... the new one's are, once each, under keys of the new due date.
    assert thresholds[workday_before(calendar, new_due, 15)] == "before:15"
    assert thresholds[workday_before(calendar, new_due, 1)] == "before:1"
    assert thresholds[new_due] == "due"
    keys = Reminder.objects.filter(deadline=deadline, user=world.lead_handler).values_list(
        "key", flat=True
    )
    assert sum(1 for k in keys if f":{new_due}:" in k) == len(keys) - 1


def test_a_short_window_never_gets_thresholds_from_before_it_opened(world):
    """The 5-working-day re-routing window starts at "3 left", not at "15 left"."""
    flows.assigned(world)  # Monday 10 March: window closes 17 March
    for day in days(D(2025, 3, 10), D(2025, 3, 18)):
        run(day)
    window = Reminder.objects.filter(kind=DeadlineKind.REROUTE_WINDOW, user=world.lead_handler)
    assert dict(window.values_list("for_date", "threshold")) == {
        D(2025, 3, 12): "before:3",
        D(2025, 3, 14): "before:1",
        D(2025, 3, 17): "due",
    }


def test_accepting_closes_the_window_and_its_reminders(world):
    p = flows.assigned(world)
    handling.accept(world.lead_handler, flows.lead_assignment(p), today=D(2025, 3, 11))
    for day in days(D(2025, 3, 10), D(2025, 3, 18)):
        run(day)
    assert not Reminder.objects.filter(
        kind=DeadlineKind.REROUTE_WINDOW, user=world.lead_handler
    ).exists()


def test_a_closed_window_is_not_announced_when_a_missed_sweep_catches_up(world):
    """The re-routing window closed on Monday 29 September 2025; no sweep ran until
    9 October (after the National Day break): nothing says "today" then."""
    p = flows.assigned(world, on=D(2025, 9, 23))  # 28 September is a make-up working day
    window = Deadline.objects.get(
        proposal=p, kind=DeadlineKind.REROUTE_WINDOW, assignment__role="lead"
    )
    assert window.due_date == D(2025, 9, 29)
    run(D(2025, 10, 9))
    assert not Reminder.objects.filter(kind=DeadlineKind.REROUTE_WINDOW).exists()
    # On the day itself the reminder says so.
    run(D(2025, 9, 29))
    [today] = Reminder.objects.filter(kind=DeadlineKind.REROUTE_WINDOW, user=world.lead_handler)
    assert "期限今天（2025-09-29）截止" in today.message


def test_a_due_date_in_a_year_without_holidays_carries_its_warning_in_the_reminder(world):
    """2027's holidays are not in the package: the co-unit's opinion, due 15 January
    2027, was counted Monday–Friday, and its reminder says so."""
    p = flows.assigned(world, on=D(2026, 12, 15))
    opinion = Deadline.objects.get(proposal=p, kind=DeadlineKind.CO_OPINION)
    assert opinion.due_date == D(2027, 1, 15)
    run(D(2027, 1, 6))
    [reminder] = Reminder.objects.filter(kind=DeadlineKind.CO_OPINION, user=world.co_handler)
    assert "会办意见期限为 2027-01-15，还有 7 个工作日" in reminder.message
    assert "2027年节假日安排尚未公布，按周一至周五工作日计算" in reminder.message
