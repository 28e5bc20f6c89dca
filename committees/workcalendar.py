"""China's working-day calendar: the holiday package, overridden by data.

Order of authority for a day: an administrator's override for that date; then
the ``chinese_calendar`` package for the years the State Council has published;
then, for a year the package does not know but an administrator marked complete
(``CalendarYear``), Monday–Friday around their entries; otherwise Monday–Friday,
flagged as a fallback so every due date computed that way carries a visible warning
— also in a year where only some days were entered.

An override only replaces the package on its own date: one local entry in a
published year must not discard that year's national holidays.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

import chinese_calendar
from django.db.models import Q

from committees.models import CalendarOverride, CalendarYear

ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Stretch:
    """The result of moving along the calendar: where we landed and what we passed."""

    date: datetime.date
    skipped: list[datetime.date] = field(default_factory=list)
    fallback_years: set[int] = field(default_factory=set)


class WorkCalendar:
    def __init__(
        self,
        overrides: dict[datetime.date, bool] | None = None,
        complete_years: set[int] | frozenset[int] = frozenset(),
    ):
        self.overrides = overrides or {}
        self.entered_years = {day.year for day in self.overrides}
        self.complete_years = set(complete_years)

    @classmethod
    def for_committee(cls, committee_id: int | None) -> WorkCalendar:
        """Global overrides plus the committee's own (which win on the same date)."""

        scope = Q(committee_id__isnull=True)
        if committee_id is not None:
            scope |= Q(committee_id=committee_id)
        overrides: dict[datetime.date, bool] = {}
        for _committee, day, kind in sorted(
            CalendarOverride.objects.filter(scope).values_list("committee_id", "date", "kind"),
            key=lambda r: r[0] is not None,
        ):
            overrides[day] = kind == CalendarOverride.Kind.WORKDAY
        complete = set(CalendarYear.objects.filter(scope).values_list("year", flat=True))
        return cls(overrides, complete)

    def day(self, day: datetime.date) -> tuple[bool, bool]:
        """(is it a working day, was that a Monday–Friday fallback)."""
        if day in self.overrides:
            return self.overrides[day], False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5, day.year not in self.complete_years

    def is_workday(self, day: datetime.date) -> bool:
        return self.day(day)[0]

    def is_known_year(self, year: int) -> bool:
        if year in self.complete_years:
            return True
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def add_workdays(self, start: datetime.date, count: int) -> Stretch:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        result = Stretch(start)
        day, remaining = start, count
        while remaining > 0:
            day += ONE_DAY
            workday, fallback = self.day(day)
            if fallback:
                result.fallback_years.add(day.year)
            if workday:
                remaining -= 1
            else:
                result.skipped.append(day)
        result.date = day
        return result

    def roll_forward(self, day: datetime.date) -> Stretch:
        """``day`` if it is a working day, else the next working day."""
        result = Stretch(day)
        while True:
            workday, fallback = self.day(day)
            if fallback:
                result.fallback_years.add(day.year)
            if workday:
                result.date = day
                return result
            result.skipped.append(day)
            day += ONE_DAY

    def add_months(self, start: datetime.date, months: int) -> Stretch:
        """Same day ``months`` later (clamped to month end), moved to a working day."""
        return self.roll_forward(add_calendar_months(start, months))

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.workdays_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count


def add_calendar_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Calendars:
    """Each committee's calendar, and memoised working-day offsets from ``today``."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._calendars: dict[int, WorkCalendar] = {}
        self._workday: dict[int, bool] = {}
        self._offsets: dict[tuple[int, datetime.date], int] = {}

    def get(self, committee_id: int) -> WorkCalendar:
        if committee_id not in self._calendars:
            self._calendars[committee_id] = WorkCalendar.for_committee(committee_id)
        return self._calendars[committee_id]

    def is_workday(self, committee_id: int) -> bool:
        if committee_id not in self._workday:
            self._workday[committee_id] = self.get(committee_id).is_workday(self.today)
        return self._workday[committee_id]

    def days_off(self) -> list[int]:
        """Committees looked at so far for which today is not a working day."""
        return sorted(c for c, cal in self._calendars.items() if not cal.is_workday(self.today))

    def offset(self, committee_id: int, day: datetime.date) -> int:
        """Working days from today to ``day`` (negative when ``day`` is past)."""
        key = (committee_id, day)
        if key not in self._offsets:
            self._offsets[key] = self.get(committee_id).workdays_between(self.today, day)
        return self._offsets[key]
