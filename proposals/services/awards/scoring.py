"""The panel's marks and the ranking they make."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, F, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext as _

from cppcc.errors import DomainError
from members.models import User
from proposals.models import (
    AwardRound,
    AwardScore,
    Nomination,
    Proposal,
)
from proposals.services.awards.nominations import nomination_round
from proposals.services.awards.steps import check_step, lock_round, log_round
from proposals.services.awards.validation import validate_points


@dataclass(frozen=True)
class RankedNomination:
    """One line of a round's ranking: the average of the panel's totals and its rank."""

    nomination: Nomination
    average: float | None  # None: nobody has scored it yet
    score_count: int
    rank: int | None  # ties share a rank (1, 1, 3); unscored nominations have none

    @property
    def proposal(self) -> Proposal:
        return self.nomination.proposal


# ---- permissions -----------------------------------------------------------------------------


def score(
    reviewer: User, nomination: Nomination | int, points: dict[str, int], comment: str = ""
) -> AwardScore:
    """Record (or replace) the reviewer's own marks for one nomination while scoring."""
    nomination_id, round_id = nomination_round(nomination)
    with transaction.atomic():
        locked = lock_round(round_id)
        check_step(reviewer, locked, "score")
        clean = validate_points(locked.rubric, points)
        comment = (comment or "").strip()
        if len(comment) > 2000:
            raise DomainError(_("评语不能超过 2000 字。"), field="comment")
        total = sum(clean.values())
        row, created = AwardScore.objects.update_or_create(
            nomination_id=nomination_id,
            reviewer=reviewer,
            defaults={"points": clean, "total": total, "comment": comment},
        )
        log_round(
            locked,
            reviewer,
            "award_scored" if created else "award_rescored",
            _("评审打分：推荐 {n}，总分 {t}").format(n=nomination_id, t=total),
            nomination=nomination_id,
            points=clean,
            total=total,
        )
    return row


def ranking(award_round: AwardRound | int) -> list[RankedNomination]:
    """The round's nominations by the average of the reviewers' totals, best first.

    Averages, counts and ranks come from one query (aggregates and a RANK() window), so
    equal averages share a rank and the next rank skips (1, 1, 3). Nominations nobody
    has scored come last, without a rank.
    """
    round_id = award_round if isinstance(award_round, int) else award_round.pk
    average = Avg("scores__total")
    rows = (
        Nomination.objects.filter(round_id=round_id)
        .select_related("proposal__proposer", "proposal__organization", "nominated_by")
        .annotate(
            average=average,
            score_count=Count("scores"),
            rank=Window(Rank(), order_by=F("average").desc(nulls_last=True)),
        )
        .order_by(F("average").desc(nulls_last=True), "proposal__number", "id")
    )
    return [
        RankedNomination(
            nomination=row,
            average=None if row.average is None else float(row.average),
            score_count=row.score_count,
            rank=row.rank if row.score_count else None,
        )
        for row in rows
    ]


# ---- choosing and publishing -----------------------------------------------------------------
