"""Proposal statistics: one computation for the API, the dashboard and the annual report.

Everything is counted in the database with aggregates over a proposal queryset the
caller has already scoped and filtered; nothing loads proposals into Python, and the
number of queries does not depend on the amount of data.

Definitions (the annual report's wording):

* **received** (收到提案): submitted proposals, i.e. not drafts and with a submission
  time; the period filter (year / session) is applied by the caller's filterset.
* **filed** (立案): received proposals in a filed state (``groups.FILED``: filed and
  after; they are exactly the ones with a filing number). Merged, declined, transferred
  and withdrawn proposals are not. ``filing_rate`` = filed / received.
* **forwarded** (转为意见建议): received proposals declined and forwarded to a handling
  unit as opinions and suggestions.
* **shares** are percentages rounded half-up to two decimals (83.18), ``None`` when
  the denominator is zero.

Each definition is written once, as a condition on a proposal (``RECEIVED``, ``FILED``,
``replied_q`` …); the proposal list's filters (``proposals.filters``) use the same
conditions, so every figure of the dashboard links to exactly the proposals it counts."""

from proposals.statistics.comparison import compare_committees, total_figures
from proposals.statistics.compute import compute, unit_loads
from proposals.statistics.conditions import (
    FILED,
    FLAGS,
    FORWARDED,
    RECEIVED,
    late,
    latest_year,
    overdue_q,
    received_proposals,
    reply_class_q,
    reply_q,
    satisfaction_q,
    scoped_proposals,
    unit_work_q,
)
from proposals.statistics.figures import (
    CENT,
    DELIVERED,
    HUNDRED,
    CommitteeFigures,
    Group,
    Replies,
    ReplyStatus,
    Satisfactions,
    Share,
    Split,
    Statistics,
    UnitLoad,
    UnitWork,
    percent,
)

__all__ = [
    "CENT",
    "DELIVERED",
    "FILED",
    "FLAGS",
    "FORWARDED",
    "HUNDRED",
    "RECEIVED",
    "CommitteeFigures",
    "Group",
    "Replies",
    "ReplyStatus",
    "Satisfactions",
    "Share",
    "Split",
    "Statistics",
    "UnitLoad",
    "UnitWork",
    "compare_committees",
    "compute",
    "late",
    "latest_year",
    "overdue_q",
    "percent",
    "received_proposals",
    "reply_class_q",
    "reply_q",
    "satisfaction_q",
    "scoped_proposals",
    "total_figures",
    "unit_loads",
    "unit_work_q",
]
