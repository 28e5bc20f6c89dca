"""Counts that never rescan a large result: exact up to ``COUNT_CAP``, "1万+" beyond.

A list's count is a second pass over everything it matches; at province scale that pass
costs more than the page itself. Counting stops after ``COUNT_CAP + 1`` rows (``LIMIT``
inside the count), so a list of 40 rows counts them exactly and one of 400,000 says
"1万+" after reading 10,001 index entries. Past the cap, pages are still there: each
page reads one row more than it shows to know whether another follows. One paginator for
the pages and the API.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10_000


def capped_count(queryset, cap: int = COUNT_CAP) -> int:
    """How many rows ``queryset`` has, or ``cap + 1`` if more than ``cap``: only ids are
    read (annotations such as a search's rank or headline are not computed)."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def count_label(count: int, cap: int = COUNT_CAP) -> str:
    """``count`` as a person reads it: the number, or "1万+" past the cap."""
    if count <= cap:
        return str(count)
    return _("{n}万+").format(n=cap // 10_000) if cap % 10_000 == 0 else f"{cap}+"


class CappedPage(Page):
    """A page past which more rows may follow than the count says."""

    def __init__(self, object_list, number, paginator, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(Paginator):
    """Django's paginator counting with :func:`capped_count`. Below the cap it is
    Django's; past it the number of pages is unknown: any page number that has rows
    answers, and ``has_next`` comes from one row read beyond the page."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, list):
            return len(self.object_list)
        return capped_count(self.object_list, self.cap)

    @property
    def exact(self) -> bool:
        return isinstance(self.object_list, list) or self.count <= self.cap

    @property
    def count_label(self) -> str:
        return str(self.count) if self.exact else count_label(self.count, self.cap)

    def validate_number(self, number) -> int:
        if self.exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        if self.exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
