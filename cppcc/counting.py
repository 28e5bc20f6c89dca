"""Counts that never rescan a large result: exact up to ``COUNT_CAP``, "1万+" beyond.

A list's count is a second pass over everything it matches; at province scale that pass
costs more than the page itself. Counting stops after ``COUNT_CAP + 1`` rows (``LIMIT``
inside the count), so a list of 40 rows counts them exactly and one of 400,000 says
"1万+" after reading 10,001 index entries. One paginator for the pages and the API.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10_000


def capped_count(queryset, cap: int = COUNT_CAP) -> int:
    """How many rows ``queryset`` has, or ``cap + 1`` if more than ``cap``."""
    return queryset.order_by()[: cap + 1].count()


def count_label(count: int, cap: int = COUNT_CAP) -> str:
    """``count`` as a person reads it: the number, or "1万+" past the cap."""
    if count <= cap:
        return str(count)
    return _("{n}万+").format(n=cap // 10_000) if cap % 10_000 == 0 else f"{cap}+"


class CappedPaginator(Paginator):
    """Django's paginator counting with :func:`capped_count`: the pages end at the cap
    (narrow the filters for the rest; API clients that walk everything use the cursor)."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, list):
            return len(self.object_list)
        return capped_count(self.object_list, self.cap)

    @property
    def exact(self) -> bool:
        return self.count <= self.cap

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.cap)
