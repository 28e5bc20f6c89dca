"""The shapes of the figures: shares, splits, per-unit loads, a committee's totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy

from proposals.choices import AssignmentStatus

# Assignments whose unit has delivered its part of the current round.
DELIVERED = (AssignmentStatus.REPLIED, AssignmentStatus.OPINION_GIVEN)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, half-up to two decimals, as the report prints it."""
    if not whole:
        return None
    return float((Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, ROUND_HALF_UP))


# ---- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One value of a breakdown: its count and its share of the breakdown's base."""

    value: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class Split:
    """One value of a breakdown of received proposals, with how many of them were filed."""

    value: str
    label: str
    received: int
    filed: int
    filed_share: float | None  # share of all filed proposals


@dataclass(frozen=True)
class Group:
    """Received and filed for one committee or sector."""

    id: int | None
    name: str
    received: int
    filed: int
    filing_rate: float | None


@dataclass(frozen=True)
class UnitLoad:
    """One handling unit's work on the proposals counted."""

    id: int
    name: str
    assigned: int
    replied: int
    overdue: int


@dataclass(frozen=True)
class Replies:
    replied: int
    on_time: int
    on_time_rate: float | None
    classes: list[Share]


@dataclass(frozen=True)
class Satisfactions:
    responses: int
    communication: list[Share]
    result: list[Share]


@dataclass(frozen=True)
class Routing:
    """交办 quality: re-routed proposals, and how often staff took a suggested unit."""

    assigned: int  # received proposals assigned to units
    rerouted: int  # of them, with a unit re-routed away (调整)
    rerouting_rate: float | None
    suggested: int  # assignments made with the suggested units on record
    taken: int  # of them, the lead unit chosen was one of the three suggested
    acceptance_rate: float | None


@dataclass(frozen=True)
class Statistics:
    received: int
    filed: int
    filing_rate: float | None
    forwarded: int
    overdue: int
    by_state: list[Share]
    by_category: list[Split]
    by_source: list[Split]
    by_kind: list[Split]
    replies: Replies
    satisfaction: Satisfactions
    routing: Routing
    units: list[UnitLoad]
    sectors: list[Group]
    committees: list[Group]
    by_session: list[Group]


@dataclass(frozen=True)
class CommitteeFigures:
    """The headline figures and categories of one committee (``id`` None: the total)."""

    id: int | None
    name: str
    received: int
    filed: int
    filing_rate: float | None
    replied: int
    on_time: int
    on_time_rate: float | None
    overdue: int
    by_category: list[Split]


# ---- scope --------------------------------------------------------------------------------


class ReplyStatus(TextChoices):
    """Which replied proposals a reply figure counts (``reply_q``)."""

    REPLIED = "replied", gettext_lazy("已答复")
    ON_TIME = "on_time", gettext_lazy("按期答复")
    LATE = "late", gettext_lazy("超期答复")


class UnitWork(TextChoices):
    """Which of a unit's active assignments a unit figure counts (``unit_work_q``)."""

    ASSIGNED = "assigned", gettext_lazy("已交办（不含已调整）")
    DELIVERED = "delivered", gettext_lazy("已答复或已提会办意见")
    OVERDUE = "overdue", gettext_lazy("已超期")
