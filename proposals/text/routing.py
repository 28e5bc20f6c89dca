"""Suggested handling units and category (智能交办), learnt from past assignments.

Two views of the same terms, added up:

- **nearest neighbours**: the committee's past proposals most like this one vote for the
  lead unit (and category) that finally handled them, each vote weighted by the square
  of its similarity;
- **profiles** (a linear model): each unit's and category's centroid of the term vectors
  of the proposals it handled, learnt by ``learn()`` (``manage.py train_text_model`` and
  the nightly task), scored by a dot product with this proposal's vector.

Each suggestion carries its reasons (the past proposals it leans on) and the unit's
current load and overdue count, so staff judge it rather than trust it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, Sum, Value, When

from committees.models import HandlingUnit, Session
from proposals.choices import AssignmentStatus, Category, UnitRole
from proposals.domain import groups
from proposals.filters import overdue_deadlines
from proposals.models import Assignment, ProfileTerm, Proposal, ProposalTerm, UnitSuggestion
from proposals.models.text import Profile
from proposals.text import features
from proposals.text.index import query_vector, stored_vector
from proposals.text.index import train as index_train
from proposals.text.similar import scores

NEIGHBOURS = 20
PROFILE_TERMS = 300
SHOWN = 3
REASONS = 3
NEIGHBOUR_SHARE = 0.9  # the rest is the profile's (measured: benchmarks/text_quality.py)


@dataclass
class UnitChoice:
    unit: HandlingUnit
    score: float
    because: list[Proposal] = field(default_factory=list)
    open_count: int = 0
    overdue_count: int = 0


@dataclass
class CategoryChoice:
    code: str
    score: float
    because: list[Proposal] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Category(self.code).label)


@dataclass
class Routing:
    units: list[UnitChoice]
    categories: list[CategoryChoice]


def final_leads() -> Q:
    """The lead assignments that stood (not the ones re-routed away)."""
    return Q(role=UnitRole.LEAD) & ~Q(status=AssignmentStatus.REROUTED)


# ---- learning -------------------------------------------------------------------------------


def learn(committee_ids: Iterable[int] | None = None, exclude: Iterable[int] = ()) -> int:
    """Relearn the units' and categories' profiles from the index (``exclude``: proposals
    held out, for evaluation). Returns the number of profile terms written."""
    leads = Assignment.objects.filter(final_leads()).exclude(proposal_id__in=list(exclude))
    terms = ProposalTerm.objects.exclude(proposal_id__in=list(exclude))
    if committee_ids is not None:
        leads = leads.filter(proposal__committee_id__in=list(committee_ids))
        terms = terms.filter(proposal__committee_id__in=list(committee_ids))
    by_unit = (
        leads.filter(proposal__terms__isnull=False)
        .values_list("proposal__committee_id", "unit_id", "proposal__terms__term")
        .annotate(total=Sum("proposal__terms__weight"))
    )
    by_category = terms.values_list(
        "proposal__committee_id", "proposal__category", "term"
    ).annotate(total=Sum("weight"))
    rows = _profiles(Profile.UNIT, by_unit) + _profiles(Profile.CATEGORY, by_category)
    with transaction.atomic():
        old = ProfileTerm.objects.all()
        if committee_ids is not None:
            old = old.filter(committee_id__in=list(committee_ids))
        old.delete()
        ProfileTerm.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _profiles(kind: str, sums) -> list[ProfileTerm]:
    by_key: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for committee_id, key, term, total in sums:
        by_key[(committee_id, str(key))][term] = total
    rows = []
    for (committee_id, key), weights in by_key.items():
        strongest = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:PROFILE_TERMS]
        norm = math.sqrt(sum(w * w for _, w in strongest)) or 1.0
        rows += [
            ProfileTerm(committee_id=committee_id, kind=kind, key=key, term=t, weight=w / norm)
            for t, w in strongest
        ]
    return rows


# ---- suggesting -----------------------------------------------------------------------------


def _profile_scores(committee_id: int, kind: str, vector: features.Vector) -> dict[str, float]:
    if not vector:
        return {}
    weight = Case(
        *(When(term=t, then=Value(w)) for t, w in vector.items()), output_field=FloatField()
    )
    rows = (
        ProfileTerm.objects.filter(committee_id=committee_id, kind=kind, term__in=list(vector))
        .values("key")
        .annotate(score=Sum(F("weight") * weight))
        .values_list("key", "score")
    )
    return dict(rows)


def _neighbours(proposal: Proposal, vector: features.Vector, among: Iterable[int] | None):
    """The past proposals most like this one that a lead unit handled: (id, score)."""
    sessions = Session.objects.filter(committee_id=proposal.committee_id).values_list(
        "pk", flat=True
    )
    merged = Proposal.objects.filter(merged_into=proposal).values_list("pk", flat=True)
    ranked = scores(vector, sessions, [proposal.pk, *merged], limit=NEIGHBOURS * 4)
    allowed = set(
        Assignment.objects.filter(
            final_leads(), proposal_id__in=[pk for pk, _ in ranked]
        ).values_list("proposal_id", flat=True)
    )
    if among is not None:
        allowed &= set(among)
    return [(pk, s) for pk, s in ranked if pk in allowed][:NEIGHBOURS]


def _combine(votes: dict[str, float], profile: dict[str, float]) -> dict[str, float]:
    total = sum(votes.values()) or 1.0
    keys = set(votes) | set(profile)
    return {
        k: NEIGHBOUR_SHARE * votes.get(k, 0.0) / total + (1 - NEIGHBOUR_SHARE) * profile.get(k, 0.0)
        for k in keys
    }


def _best(combined: dict[str, float], limit: int) -> list[tuple[str, float]]:
    return sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def suggest(proposal: Proposal, limit: int = SHOWN, among: Iterable[int] | None = None) -> Routing:
    """The units (best first, with reasons and load) and categories for ``proposal``.

    ``among``: the past proposals neighbours may come from (evaluation holds some out)."""
    vector = stored_vector(proposal.pk) or query_vector(
        proposal.title, f"{proposal.background}\n{proposal.suggestions}"
    )
    neighbours = _neighbours(proposal, vector, among)
    similarity = dict(neighbours)
    leads = dict(
        Assignment.objects.filter(final_leads(), proposal_id__in=list(similarity)).values_list(
            "proposal_id", "unit_id"
        )
    )
    categories = dict(
        Proposal.objects.filter(pk__in=list(similarity)).values_list("pk", "category")
    )
    unit_votes: dict[str, float] = defaultdict(float)
    category_votes: dict[str, float] = defaultdict(float)
    for pk, s in neighbours:  # a close neighbour counts far more than a loose one
        unit_votes[str(leads[pk])] += s * s
        category_votes[categories[pk]] += s * s
    units = _best(
        _combine(unit_votes, _profile_scores(proposal.committee_id, Profile.UNIT, vector)), limit
    )
    cats = _best(
        _combine(category_votes, _profile_scores(proposal.committee_id, Profile.CATEGORY, vector)),
        limit,
    )
    past = Proposal.objects.in_bulk(list(similarity))

    def because(matches) -> list[Proposal]:
        return [past[pk] for pk, _ in neighbours if matches(pk)][:REASONS]

    found = HandlingUnit.objects.in_bulk([int(k) for k, _ in units])
    load = _load(found)
    return Routing(
        units=[
            UnitChoice(
                unit=found[int(k)],
                score=round(s, 3),
                because=because(lambda pk, k=k: str(leads[pk]) == k),
                open_count=load.get(int(k), (0, 0))[0],
                overdue_count=load.get(int(k), (0, 0))[1],
            )
            for k, s in units
            if int(k) in found
        ],
        categories=[
            CategoryChoice(k, round(s, 3), because(lambda pk, k=k: categories[pk] == k))
            for k, s in cats
            if k in Category.values
        ],
    )


def _load(units) -> dict[int, tuple[int, int]]:
    """Each unit's open assignments and how many of them are overdue."""
    rows = (
        Assignment.objects.filter(
            unit_id__in=list(units), status__in=groups.values(groups.OPEN_ASSIGNMENTS)
        )
        .values("unit_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(Exists(overdue_deadlines(assignment=OuterRef("pk"))))),
        )
    )
    return {r["unit_id"]: (r["open"], r["overdue"]) for r in rows}


# ---- what staff did with it -------------------------------------------------------------------


def record_choice(proposal: Proposal, lead_unit_id: int | None) -> UnitSuggestion | None:
    """Remember the units suggested when ``proposal`` was assigned and the lead unit
    chosen (nothing when there was nothing to suggest: no past proposal was like it)."""
    suggested = [choice.unit.pk for choice in suggest(proposal).units]
    if not suggested:
        return None
    return UnitSuggestion.objects.create(
        proposal=proposal,
        suggested=suggested,
        chosen_id=lead_unit_id,
        taken=lead_unit_id in suggested,
    )


def train() -> tuple[int, int]:
    """Retrain everything: the frequencies and every proposal's terms, then the profiles.
    Returns (proposals indexed, profile terms learnt)."""
    indexed = index_train()
    return indexed, learn()
