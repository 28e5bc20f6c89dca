"""All the dashboard's figures for one scope, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee
from proposals import statistics
from proposals.domain import groups
from proposals.filters import ProposalFilterSet
from proposals.models import Deadline, Proposal
from proposals.reports.dashboard.scope import OVERDUE_ROWS, TOP_UNITS
from proposals.statistics import CommitteeFigures, Statistics


@dataclass
class OverdueRow:
    deadline: Deadline
    days: int


@dataclass
class Figures:
    statistics: Statistics
    committees: list[CommitteeFigures]
    total: CommitteeFigures | None
    overdue: list[OverdueRow]


def filtered(proposals: QuerySet[Proposal], year: int | None, session: int | None):
    """Year and session through the list's filterset, so links mean the same."""
    data = {k: str(v) for k, v in (("year", year), ("session", session)) if v is not None}
    filterset = ProposalFilterSet(data, queryset=proposals)
    if not filterset.is_valid():  # the form validated these already
        raise ValueError(filterset.errors)
    return filterset.qs


def overdue_rows(
    user, proposals: QuerySet[Proposal], today: datetime.date, limit: int = OVERDUE_ROWS
) -> list[OverdueRow]:
    """The longest-overdue reply/opinion deadlines among the proposals the user may open."""
    shown = statistics.received_proposals(proposals).filter(
        pk__in=Proposal.objects.visible_to(user).values("pk")
    )
    deadlines = (
        Deadline.objects.filter(
            is_open=True,
            kind__in=groups.values(groups.HANDLING_DEADLINES),
            due_date__lt=today,
            proposal__in=shown.values("pk"),
        )
        .select_related("assignment__unit", "proposal")
        .order_by("due_date", "id")[:limit]
    )
    return [OverdueRow(d, (today - d.due_date).days) for d in deadlines]


def compute_dashboard(
    user,
    *,
    committee: int | None = None,
    year: int | None = None,
    session: int | None = None,
    today: datetime.date | None = None,
    committees: list[Committee] | None = None,
) -> Figures:
    """Everything the dashboard shows, in a fixed number of queries.

    ``committees``: compare these side by side (all of the user's statistics scope).
    """
    today = today or timezone.localdate()
    proposals = filtered(statistics.scoped_proposals(user, committee), year, session)
    rows: list[CommitteeFigures] = []
    total = None
    same: list[CommitteeFigures] | None = None
    if committees:
        every = filtered(statistics.scoped_proposals(user), year, session)
        rows = statistics.compare_committees(every, today=today, committees=committees)
        total = statistics.total_figures(rows, _("合计"))
        # The side-by-side rows of the chosen committee(s) count the same proposals:
        # compute sums their overdue/replied/on-time instead of counting them again.
        chosen = [r for r in rows if committee is None or r.id == committee]
        if committee is None or chosen:
            same = chosen
    stats = statistics.compute(proposals, today=today, top_units=TOP_UNITS + 1, per_committee=same)
    return Figures(stats, rows, total, overdue_rows(user, proposals, today))


# ---- pages ----------------------------------------------------------------------------------
