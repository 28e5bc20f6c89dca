"""China's working-day calendar: holiday package, administrators' overrides, fallback.

Expected dates are worked out by hand from the State Council's published schedules:
- 2025 National Day + Mid-Autumn: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 are workdays.
- 2026 Spring Festival: Feb 15–23 off; Sat Feb 14 and Sat Feb 28 are workdays.
"""

from __future__ import annotations

import datetime

import pytest

from committees.models import CalendarOverride, CalendarYear
from committees.workcalendar import WorkCalendar, add_calendar_months
from tests.factories import CommitteeFactory

D = datetime.date
NATIONAL_DAY_2025 = [D(2025, 10, day) for day in range(1, 9)]
SPRING_FESTIVAL_2026 = [D(2026, 2, day) for day in range(15, 24)]


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


# ---- the holiday package -------------------------------------------------------------------


def test_package_days_around_national_day_2025(cal):
    assert cal.is_workday(D(2025, 9, 26))  # Friday
    assert not cal.is_workday(D(2025, 9, 27))  # Saturday
    assert cal.is_workday(D(2025, 9, 28))  # Sunday, make-up workday
    assert all(not cal.is_workday(day) for day in NATIONAL_DAY_2025)
    assert cal.is_workday(D(2025, 10, 9))
    assert cal.is_workday(D(2025, 10, 11))  # Saturday, make-up workday
    assert not cal.is_workday(D(2025, 10, 12))  # Sunday


def test_five_workdays_from_friday_before_national_day_2025(cal):
    # Sat 27 off; Sun 28 (1, make-up), Mon 29 (2), Tue 30 (3); Oct 1–8 off; Thu 9 (4), Fri 10 (5).
    stretch = cal.add_workdays(D(2025, 9, 26), 5)
    assert stretch.date == D(2025, 10, 10)
    assert stretch.skipped == [D(2025, 9, 27), *NATIONAL_DAY_2025]
    assert stretch.fallback_years == set()


def test_five_workdays_from_monday_before_national_day_2025_counts_saturday_make_up(cal):
    # Tue 30 (1); Oct 1–8 off; Thu 9 (2), Fri 10 (3), Sat 11 (4, make-up); Sun 12 off; Mon 13 (5).
    stretch = cal.add_workdays(D(2025, 9, 29), 5)
    assert stretch.date == D(2025, 10, 13)
    assert stretch.skipped == [*NATIONAL_DAY_2025, D(2025, 10, 12)]


def test_spring_festival_2026(cal):
    assert cal.is_workday(D(2026, 2, 14))  # Saturday, make-up workday
    assert all(not cal.is_workday(day) for day in SPRING_FESTIVAL_2026)
    assert cal.is_workday(D(2026, 2, 28))  # Saturday, make-up workday
    # Fri 13 (1), Sat 14 (2, make-up); Feb 15–23 off; Tue 24 (3), Wed 25 (4), Thu 26 (5).
    stretch = cal.add_workdays(D(2026, 2, 12), 5)
    assert stretch.date == D(2026, 2, 26)
    assert stretch.skipped == SPRING_FESTIVAL_2026
    # Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 (4, make-up).
    assert cal.add_workdays(D(2026, 2, 24), 4).date == D(2026, 2, 28)


def test_zero_workdays_is_the_start_itself(cal):
    assert cal.add_workdays(D(2025, 10, 3), 0).date == D(2025, 10, 3)


# ---- months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 3, 15), 3, D(2025, 6, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # across the year end
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_calendar_months_clamps_to_month_end(start, months, expected):
    assert add_calendar_months(start, months) == expected


def test_add_months_clamps_then_keeps_a_working_day(cal):
    stretch = cal.add_months(D(2025, 1, 31), 1)
    assert stretch.date == D(2025, 2, 28)  # Friday
    assert stretch.skipped == []
    # Clamped to Sat 2026-02-28, which is a make-up workday: stays.
    assert cal.add_months(D(2026, 1, 31), 1).date == D(2026, 2, 28)


def test_add_months_clamps_then_rolls_to_next_working_day(cal):
    # Oct 31 + 1 month -> Nov 30 2025, a Sunday -> Monday Dec 1.
    stretch = cal.add_months(D(2025, 10, 31), 1)
    assert stretch.date == D(2025, 12, 1)
    assert stretch.skipped == [D(2025, 11, 30)]


def test_add_months_landing_in_national_day_rolls_past_the_holiday(cal):
    stretch = cal.add_months(D(2025, 7, 1), 3)
    assert stretch.date == D(2025, 10, 9)
    assert stretch.skipped == NATIONAL_DAY_2025


def test_add_months_landing_in_spring_festival_2026(cal):
    stretch = cal.add_months(D(2025, 11, 17), 3)
    assert stretch.date == D(2026, 2, 24)
    assert stretch.skipped == [D(2026, 2, 17), *SPRING_FESTIVAL_2026[3:]]


# ---- a year nobody knows: Monday–Friday, flagged ---------------------------------------------


def test_unknown_year_falls_back_to_monday_to_friday(cal):
    assert not cal.is_known_year(2027)
    assert cal.is_known_year(2026)
    assert cal.day(D(2027, 1, 1)) == (True, True)  # a Friday: counted, but flagged
    assert cal.day(D(2027, 1, 2)) == (False, True)
    # Mon 2026-12-28: Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri Jan 1 (4), Mon Jan 4 (5).
    stretch = cal.add_workdays(D(2026, 12, 28), 5)
    assert stretch.date == D(2027, 1, 4)
    assert stretch.skipped == [D(2027, 1, 2), D(2027, 1, 3)]
    assert stretch.fallback_years == {2027}


def test_unknown_year_months_carry_fallback(cal):
    stretch = cal.add_months(D(2026, 12, 15), 3)
    assert stretch.date == D(2027, 3, 15)
    assert stretch.fallback_years == {2027}
    rolled = cal.add_months(D(2026, 11, 6), 3)  # Sat 2027-02-06
    assert rolled.date == D(2027, 2, 8)
    assert rolled.skipped == [D(2027, 2, 6), D(2027, 2, 7)]
    assert rolled.fallback_years == {2027}


def test_known_year_only_has_no_fallback(cal):
    stretch = cal.add_workdays(D(2026, 12, 1), 5)
    assert stretch.date == D(2026, 12, 8)
    assert stretch.fallback_years == set()


# ---- administrators' overrides -----------------------------------------------------------------

OVERRIDES_2027 = {
    D(2027, 1, 1): False,  # New Year's Day (Friday)
    D(2027, 2, 5): False,
    D(2027, 2, 8): False,
    D(2027, 2, 9): False,
    D(2027, 2, 20): True,  # Saturday make-up workday
}


def test_overrides_alone_do_not_make_a_year_known():
    cal = WorkCalendar(OVERRIDES_2027)
    assert not cal.is_known_year(2027)
    assert cal.day(D(2027, 1, 1)) == (False, False)  # the entered day itself is certain
    assert cal.day(D(2027, 3, 15)) == (True, True)  # the others are still a guess
    assert cal.add_workdays(D(2027, 2, 4), 5).fallback_years == {2027}


def test_overrides_in_a_year_confirmed_complete_are_honoured():
    cal = WorkCalendar(OVERRIDES_2027, complete_years={2027})
    assert cal.is_known_year(2027)
    assert cal.day(D(2027, 1, 1)) == (False, False)
    assert cal.day(D(2027, 2, 20)) == (True, False)
    assert cal.day(D(2027, 3, 15)) == (True, False)  # other days: Monday–Friday, not flagged
    # Tue 2026-12-29: Wed 30 (1), Thu 31 (2); Jan 1 holiday; Mon Jan 4 (3).
    stretch = cal.add_workdays(D(2026, 12, 29), 3)
    assert stretch.date == D(2027, 1, 4)
    assert stretch.skipped == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
    assert stretch.fallback_years == set()
    # Thu Feb 18: Fri 19 (1), Sat 20 (2, make-up workday).
    assert cal.add_workdays(D(2027, 2, 18), 2).date == D(2027, 2, 20)
    # Thu Feb 4 + 1: Fri 5 off, weekend, Mon 8 and Tue 9 off -> Wed 10.
    assert cal.add_workdays(D(2027, 2, 4), 1).date == D(2027, 2, 10)
    assert cal.add_months(D(2026, 12, 15), 3).fallback_years == set()


def test_override_wins_over_the_package_on_its_date():
    cal = WorkCalendar({D(2025, 10, 8): True, D(2025, 10, 9): False})
    assert cal.is_workday(D(2025, 10, 8))
    assert not cal.is_workday(D(2025, 10, 9))


def test_one_override_in_a_published_year_keeps_the_rest_of_the_package():
    # A committee's single local holiday must not wipe out the national schedule.
    cal = WorkCalendar({D(2025, 5, 6): False})
    assert not cal.is_workday(D(2025, 5, 6))
    assert all(not cal.is_workday(day) for day in NATIONAL_DAY_2025)
    assert cal.is_workday(D(2025, 9, 28))  # Sunday make-up workday still counts
    assert cal.add_workdays(D(2025, 9, 26), 5).date == D(2025, 10, 10)


@pytest.mark.django_db
def test_for_committee_reads_global_and_own_overrides_committee_wins():
    mine, other = CommitteeFactory(), CommitteeFactory()
    CalendarOverride.objects.create(
        committee=None, date=D(2027, 1, 4), kind=CalendarOverride.Kind.HOLIDAY, name="全局"
    )
    CalendarOverride.objects.create(
        committee=None, date=D(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY, name="元旦"
    )
    CalendarOverride.objects.create(
        committee=mine, date=D(2027, 1, 4), kind=CalendarOverride.Kind.WORKDAY, name="本地"
    )
    CalendarOverride.objects.create(
        committee=other, date=D(2027, 1, 5), kind=CalendarOverride.Kind.HOLIDAY, name="他处"
    )

    own = WorkCalendar.for_committee(mine.pk)
    assert own.is_workday(D(2027, 1, 4))  # the committee's entry wins over the global one
    assert not own.is_workday(D(2027, 1, 1))  # global entry applies
    assert own.is_workday(D(2027, 1, 5))  # another committee's entry does not
    assert not own.is_known_year(2027)  # entries alone do not complete a year
    CalendarYear.objects.create(committee=None, year=2027)
    assert WorkCalendar.for_committee(mine.pk).is_known_year(2027)

    theirs = WorkCalendar.for_committee(other.pk)
    assert not theirs.is_workday(D(2027, 1, 4))
    assert not theirs.is_workday(D(2027, 1, 5))

    everyone = WorkCalendar.for_committee(None)
    assert not everyone.is_workday(D(2027, 1, 4))
    assert everyone.is_workday(D(2027, 1, 5))


# ---- counting --------------------------------------------------------------------------------


def test_workdays_between(cal):
    assert cal.workdays_between(D(2025, 9, 26), D(2025, 10, 10)) == 5
    assert cal.workdays_between(D(2025, 10, 10), D(2025, 9, 26)) == -5
    assert cal.workdays_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert cal.workdays_between(D(2025, 10, 3), D(2025, 10, 3)) == 0
    assert cal.workdays_between(D(2026, 2, 13), D(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_workdays_between_agrees_with_add_workdays(cal):
    start = D(2025, 9, 20)
    for count in range(0, 30):
        end = cal.add_workdays(start, count).date
        assert cal.workdays_between(start, end) == count
