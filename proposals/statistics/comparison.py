"""Committees side by side: the city and its districts, and their total."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Count, QuerySet
from django.utils import timezone

from committees.models import Committee
from proposals.choices import Category
from proposals.models import Proposal
from proposals.statistics.compute import split_counts, splits
from proposals.statistics.conditions import FILED, FLAGS, flag_counts, received_proposals
from proposals.statistics.figures import CommitteeFigures, percent


def _figures(id: int | None, name: str, counts: dict) -> CommitteeFigures:
    return CommitteeFigures(
        id=id,
        name=name,
        received=counts["received"],
        filed=counts["filed"],
        filing_rate=percent(counts["filed"], counts["received"]),
        replied=counts["replied"],
        on_time=counts["on_time"],
        on_time_rate=percent(counts["on_time"], counts["replied"]),
        overdue=counts["overdue"],
        by_category=splits(counts, "category", Category.choices, counts["filed"]),
    )


def compare_committees(
    proposals: QuerySet[Proposal],
    *,
    today: datetime.date | None = None,
    committees: Iterable[Committee] | None = None,
) -> list[CommitteeFigures]:
    """The headline figures and categories of each committee among ``proposals``, in one
    query, with the same definitions as :func:`compute` (city first, then counties).

    With ``committees``, exactly those, in that order, with zeros where nothing was
    received; otherwise the committees that received something.
    """
    today = today or timezone.localdate()
    received = received_proposals(proposals)
    rows = (
        received.values("committee_id", "committee__name")
        .annotate(
            received=Count("pk"),
            filed=Count("pk", filter=FILED),
            **split_counts("category", Category.values),
        )
        .order_by("committee__level", "committee__code")
    )
    flags = flag_counts(received, today)
    zero = dict.fromkeys(FLAGS, 0)
    found = {
        row["committee_id"]: _figures(
            row["committee_id"],
            row["committee__name"],
            {**row, **flags.get(row["committee_id"], zero)},
        )
        for row in rows
    }
    if committees is None:
        return list(found.values())
    return [found.get(c.pk) or replace(total_figures([], c.name), id=c.pk) for c in committees]


def total_figures(rows: Iterable[CommitteeFigures], name: str) -> CommitteeFigures:
    """The sum of several committees' figures (rates recomputed from the sums)."""
    rows = list(rows)
    keys = ("received", "filed", "replied", "on_time", "overdue")
    counts = {key: sum(getattr(r, key) for r in rows) for key in keys}
    for value in Category.values:
        splits = [s for r in rows for s in r.by_category if s.value == value]
        counts[f"category:{value}:received"] = sum(s.received for s in splits)
        counts[f"category:{value}:filed"] = sum(s.filed for s in splits)
    return _figures(None, name, counts)
