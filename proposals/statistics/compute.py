"""One committee's (or session's) figures in a fixed number of aggregate queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import DEFAULT_REPLY_CLASSES, RuleSet, Session
from proposals.choices import (
    Category,
    Kind,
    Satisfaction,
    Source,
    State,
)
from proposals.models import Proposal
from proposals.statistics.conditions import (
    ASSIGNED,
    FILED,
    FLAGS,
    FORWARDED,
    REROUTED,
    SUGGESTED,
    SUGGESTION_TAKEN,
    active_assignments,
    flag_counts,
    latest_feedback,
    latest_letters,
    received_proposals,
    unit_work,
)
from proposals.statistics.figures import (
    CommitteeFigures,
    Group,
    Replies,
    Routing,
    Satisfactions,
    Share,
    Split,
    Statistics,
    UnitLoad,
    UnitWork,
    percent,
)


def split_counts(field: str, values: Iterable[str]) -> dict[str, Count]:
    counts = {}
    for value in values:
        counts[f"{field}:{value}:received"] = Count("pk", filter=Q(**{field: value}))
        counts[f"{field}:{value}:filed"] = Count("pk", filter=Q(**{field: value}) & FILED)
    return counts


def splits(totals: dict, field: str, choices, filed: int, blank: bool = False) -> list[Split]:
    rows = [
        Split(
            value=str(value),
            label=str(label),
            received=totals[f"{field}:{value}:received"],
            filed=totals[f"{field}:{value}:filed"],
            filed_share=percent(totals[f"{field}:{value}:filed"], filed),
        )
        for value, label in choices
    ]
    if blank:
        received = totals[f"{field}::received"]
        if received:
            n = totals[f"{field}::filed"]
            rows.append(Split("", _("未注明"), received, n, percent(n, filed)))
    return rows


def _reply_labels(committee_ids: Iterable[int] | QuerySet) -> dict[str, str]:
    """Reply class labels as the committees configured them (their default rule sets)."""
    labels: dict[str, str] = {}
    rule_sets = RuleSet.objects.filter(committee_id__in=committee_ids, session__isnull=True)
    for classes in rule_sets.order_by("pk").values_list("reply_classes", flat=True):
        for item in classes or []:
            if isinstance(item, dict) and item.get("code"):
                labels.setdefault(item["code"], item.get("label") or item["code"])
    for item in DEFAULT_REPLY_CLASSES:
        labels.setdefault(item["code"], item["label"])
    return labels


def _group(id: int | None, name: str, received: int, filed: int) -> Group:
    return Group(id, name, received, filed, percent(filed, received))


def _sessions(received: QuerySet[Proposal]) -> list[Group]:
    """Received and filed per session, named with the committee when several appear."""
    rows = list(
        received.values(
            "session_id",
            "session__term",
            "session__meeting",
            "session__committee_id",
            "session__committee__name",
            "session__committee__short_name",
        )
        .annotate(n_received=Count("pk"), n_filed=Count("pk", filter=FILED))
        .order_by(
            "session__committee__level",
            "session__committee__code",
            "session__term",
            "session__meeting",
        )
    )
    several = len({row["session__committee_id"] for row in rows}) > 1
    groups = []
    for row in rows:
        name = Session(term=row["session__term"], meeting=row["session__meeting"]).name
        if several:
            committee = row["session__committee__short_name"] or row["session__committee__name"]
            name = f"{committee} {name}"
        groups.append(_group(row["session_id"], name, row["n_received"], row["n_filed"]))
    return groups


def _groups(received: QuerySet[Proposal], key: str, name: str, order: list[str]) -> list[Group]:
    """Received and filed per value of ``key`` (a sector, a committee)."""
    rows = (
        received.values(key, name)
        .annotate(n_received=Count("pk"), n_filed=Count("pk", filter=FILED))
        .order_by(*order)
    )
    return [
        _group(
            row[key],
            row[name] if row[key] is not None else _("未注明界别"),
            row["n_received"],
            row["n_filed"],
        )
        for row in rows
    ]


def _reply_classes(received: QuerySet[Proposal], committee_ids: list[int]) -> list[Share]:
    """Reply letters by class: the latest round of each lead/separate assignment."""
    class_counts = dict(
        latest_letters()
        .filter(assignment__proposal__in=received.values("pk").filter(FILED))
        .values_list("classification")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = _reply_labels(committee_ids)
    codes = list(labels) + sorted(set(class_counts) - set(labels))
    letters = sum(class_counts.values())
    return [
        Share(code, labels.get(code, code), n, percent(n, letters))
        for code in codes
        for n in [class_counts.get(code, 0)]
    ]


def _satisfaction(received: QuerySet[Proposal]) -> Satisfactions:
    """The decisive feedback of the latest round, on communication and on result."""
    feedback = (
        latest_feedback()
        .filter(proposal__in=received.values("pk"))
        .aggregate(
            total=Count("pk"),
            **{f"communication:{s}": Count("pk", filter=Q(communication=s)) for s in Satisfaction},
            **{f"result:{s}": Count("pk", filter=Q(result=s)) for s in Satisfaction},
        )
    )

    def shares(dimension: str) -> list[Share]:
        return [
            Share(
                str(s),
                str(s.label),
                feedback[f"{dimension}:{s}"],
                percent(feedback[f"{dimension}:{s}"], feedback["total"]),
            )
            for s in Satisfaction
        ]

    return Satisfactions(
        responses=feedback["total"],
        communication=shares("communication"),
        result=shares("result"),
    )


def _routing(totals: dict) -> Routing:
    return Routing(
        assigned=totals["assigned"],
        rerouted=totals["rerouted"],
        rerouting_rate=percent(totals["rerouted"], totals["assigned"]),
        suggested=totals["suggested"],
        taken=totals["taken"],
        acceptance_rate=percent(totals["taken"], totals["suggested"]),
    )


def compute(
    proposals: QuerySet[Proposal],
    *,
    today: datetime.date | None = None,
    top_units: int | None = None,
    per_committee: list[CommitteeFigures] | None = None,
) -> Statistics:
    """Statistics of the received proposals among ``proposals`` (already scoped/filtered).

    ``per_committee``: :func:`compare_committees` of the same ``proposals`` and
    ``today``, when the caller has it — its overdue/replied/on-time counts are summed
    instead of counted again (the dearest query at scale).

    * ``overdue``: received proposals with an open reply or co-opinion deadline past
      due on ``today``.
    * ``replies.replied``: filed proposals with at least one reply letter from a lead or
      separate unit. ``replies.on_time``: those of them all of whose lead/separate
      replies (every round) are dated on or before the reply deadline they answered
      (extensions count). ``on_time_rate`` = on_time / replied.
    * ``replies.classes``: reply letters of lead/separate units, the latest round of each
      assignment, by class (A/B/C as configured); shares of those letters.
    * ``satisfaction``: the lead proposer's (decisive) feedback of the latest round per
      proposal, on communication and on result; shares of those responses.
    * ``units``: per unit, its active (not re-routed) assignments; ``replied`` those that
      delivered the current round (reply, or co-handling opinion); ``overdue`` those with
      an open reply/opinion deadline past due. Busiest first, ``top_units`` if given.
    * ``sectors`` / ``committees`` / ``by_session``: received and filed per sector /
      committee / session.
    """
    today = today or timezone.localdate()
    received = received_proposals(proposals)
    totals = received.aggregate(
        received=Count("pk"),
        filed=Count("pk", filter=FILED),
        forwarded=Count("pk", filter=FORWARDED),
        assigned=Count("pk", filter=ASSIGNED),
        rerouted=Count("pk", filter=REROUTED),
        suggested=Count("pk", filter=SUGGESTED),
        taken=Count("pk", filter=SUGGESTION_TAKEN),
        **{f"state:{s}": Count("pk", filter=Q(state=s)) for s in State.values},
        **split_counts("category", Category.values),
        **split_counts("source", Source.values),
        **split_counts("kind", [*Kind.values, ""]),
    )
    if per_committee is None:
        flags = list(flag_counts(received, today).values())
    else:
        flags = [{flag: getattr(row, flag) for flag in FLAGS} for row in per_committee]
    for flag in FLAGS:
        totals[flag] = sum(row[flag] for row in flags)
    n_received, n_filed = totals["received"], totals["filed"]
    committees = _groups(
        received, "committee_id", "committee__name", ["committee__level", "committee__code"]
    )
    return Statistics(
        received=n_received,
        filed=n_filed,
        filing_rate=percent(n_filed, n_received),
        forwarded=totals["forwarded"],
        overdue=totals["overdue"],
        by_state=[
            Share(s, str(label), totals[f"state:{s}"], percent(totals[f"state:{s}"], n_received))
            for s, label in State.choices
            if s != State.DRAFT
        ],
        by_category=splits(totals, "category", Category.choices, n_filed),
        by_source=splits(totals, "source", Source.choices, n_filed),
        by_kind=splits(totals, "kind", Kind.choices, n_filed, blank=True),
        replies=Replies(
            replied=totals["replied"],
            on_time=totals["on_time"],
            on_time_rate=percent(totals["on_time"], totals["replied"]),
            classes=_reply_classes(received, [g.id for g in committees]),
        ),
        satisfaction=_satisfaction(received),
        routing=_routing(totals),
        units=unit_loads(received, today=today, top=top_units),
        sectors=_groups(received, "sector_id", "sector__name", ["sector__code", "sector_id"]),
        committees=committees,
        by_session=_sessions(received),
    )


def unit_loads(
    received: QuerySet[Proposal], *, today: datetime.date, top: int | None = None
) -> list[UnitLoad]:
    """Per unit, its active assignments on ``received`` proposals (see :func:`compute`).

    Two queries: the overdue ones are counted apart, with the condition in WHERE (a
    semi-join), not as a subplan per assignment.
    """
    assignments = active_assignments().filter(proposal__in=received.values("pk"))
    rows = (
        assignments.values("unit_id", "unit__name", "unit__code")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=unit_work(UnitWork.DELIVERED, today)),
        )
        .order_by("-assigned", "unit__code", "unit_id")
    )
    if top is not None:
        rows = rows[:top]
    overdue = dict(
        assignments.filter(unit_work(UnitWork.OVERDUE, today))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return [
        UnitLoad(
            id=row["unit_id"],
            name=row["unit__name"],
            assigned=row["assigned"],
            replied=row["replied"],
            overdue=overdue.get(row["unit_id"], 0),
        )
        for row in rows
    ]


# ---- committees side by side ----------------------------------------------------------------
