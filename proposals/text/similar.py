"""Similar proposals: for a text being written or for a proposal, the closest proposals
of the same committee from this session and the two before it, that the caller may be
shown (``visibility.reference_filter``), by the cosine of their term vectors.

The score is computed in the database from the inverted index (``ProposalTerm``: term,
session → proposal, weight): one grouped scan of the postings of at most
``features.QUERY_TERMS`` terms, then one query for the winners' rows and replies.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, FloatField, Prefetch, Sum, Value, When
from django.utils import timezone

from committees.models import Session
from committees.scoping import committee_ids
from proposals.choices import UnitRole
from proposals.domain import groups
from proposals.models import Assignment, Proposal, ProposalTerm, Reply
from proposals.text import features
from proposals.text.index import query_vector, stored_vector
from proposals.visibility import proposal_filter, reference_filter

SESSIONS_BACK = 3  # this session and the two before it
POOL = 50  # best scores taken before visibility removes some
SHOWN = 5
MIN_SCORE = 0.12  # below this the texts share only common words
OPENING = 80  # characters of a reply's opening shown


@dataclass(frozen=True)
class SimilarProposal:
    proposal: Proposal
    score: float
    openable: bool  # the caller may open its page (a member is shown others' filed ones)
    reply_class: str = ""
    reply_opening: str = ""


def sessions_up_to(committee_id: int, day: datetime.date) -> list[int]:
    """The committee's session of ``day`` and the ones before it, newest first."""
    rows = Session.objects.filter(committee_id=committee_id, plenary_start__lte=day)
    return list(rows.order_by("-plenary_start").values_list("pk", flat=True)[:SESSIONS_BACK])


def sessions_for(user, day: datetime.date | None = None) -> list[int]:
    """The sessions a text written now by ``user`` is compared with."""
    day = day or timezone.localdate()
    ids = committee_ids(user)
    committees = ids if ids is not None else Session.objects.values_list("committee_id", flat=True)
    return [pk for c in sorted(set(committees)) for pk in sessions_up_to(c, day)]


def sessions_of(proposal: Proposal) -> list[int]:
    start = Session.objects.filter(pk=proposal.session_id).values_list("plenary_start", flat=True)
    return sessions_up_to(proposal.committee_id, start.get())


def ranking(vector: features.Vector, sessions: Iterable[int], exclude: Iterable[int] = ()):
    """The proposals of ``sessions`` by their cosine with ``vector``: a grouped scan of the
    postings of the vector's terms (``proposal_id``, ``score``), best first."""
    weight = Case(
        *(When(term=term, then=Value(w)) for term, w in vector.items()),
        output_field=FloatField(),
    )
    return (
        ProposalTerm.objects.filter(term__in=list(vector), session_id__in=list(sessions))
        .exclude(proposal_id__in=list(exclude))
        .values("proposal_id")
        .annotate(score=Sum(F("weight") * weight))
        .order_by("-score", "proposal_id")
    )


def scores(
    vector: features.Vector, sessions: Iterable[int], exclude: Iterable[int] = (), limit=POOL
) -> list[tuple[int, float]]:
    """(proposal id, cosine) of the best matches in ``sessions``, best first."""
    if not vector:
        return []
    return list(ranking(vector, sessions, exclude).values_list("proposal_id", "score")[:limit])


def _shown(user, ranked: list[tuple[int, float]], limit: int) -> list[SimilarProposal]:
    ranked = [(pk, s) for pk, s in ranked if s >= MIN_SCORE]
    reference, own = reference_filter(user), proposal_filter(user)
    if reference is None or not ranked:
        return []
    ids = [pk for pk, _ in ranked]
    replies = Reply.objects.filter(assignment__role__in=groups.values(groups.REPLYING_ROLES))
    found = (
        Proposal.objects.filter(
            pk__in=Proposal.objects.filter(reference, pk__in=ids).values("pk"),
            state__in=groups.values(groups.ON_RECORD),
        )
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "assignments",
                Assignment.objects.filter(role=UnitRole.LEAD).prefetch_related(
                    Prefetch("replies", replies.order_by("-created_at"))
                ),
            )
        )
    )
    by_pk = {p.pk: p for p in found}
    openable = set(Proposal.objects.filter(own, pk__in=list(by_pk)).values_list("pk", flat=True))
    shown = []
    for pk, score in ranked:
        p = by_pk.get(pk)
        if p is None:
            continue
        reply = next((r for a in p.assignments.all() for r in a.replies.all()), None)
        shown.append(
            SimilarProposal(
                proposal=p,
                score=round(score, 3),
                openable=pk in openable,
                reply_class=reply.classification if reply else "",
                reply_opening=_opening(reply.content) if reply else "",
            )
        )
        if len(shown) == limit:
            break
    return shown


def _opening(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= OPENING else text[:OPENING] + "…"


def for_text(
    user, title: str, body: str = "", limit: int = SHOWN, exclude: Iterable[int] = ()
) -> list[SimilarProposal]:
    """The proposals like a text being written (``exclude``: the draft itself)."""
    vector = query_vector(title, body)
    return _shown(user, scores(vector, sessions_for(user), exclude), limit)


def for_proposal(user, proposal: Proposal, limit: int = SHOWN) -> list[SimilarProposal]:
    """The proposals like ``proposal`` (never itself, nor those already merged into it)."""
    vector = stored_vector(proposal.pk)
    if not vector:
        vector = query_vector(proposal.title, f"{proposal.background}\n{proposal.suggestions}")
    merged = Proposal.objects.filter(merged_into=proposal).values_list("pk", flat=True)
    ranked = scores(vector, sessions_of(proposal), [proposal.pk, *merged])
    return _shown(user, ranked, limit)
