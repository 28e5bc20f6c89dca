"""The inverted index of proposals' terms and its training.

``index(proposal)`` rewrites one proposal's strongest terms (after every committed save,
like the search document); ``train()`` recounts the document frequencies over every
proposal, rewrites every proposal's terms with them and relearns the units' and
categories' profiles (``routing.learn``). Between trainings a new word counts as rare,
which is what it is.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import transaction

from proposals.models import Proposal, ProposalTerm, TermWeight
from proposals.text import features

logger = logging.getLogger(__name__)
BATCH = 1000
TEXT_FIELDS = ("title", "background", "suggestions")


def proposal_counts(title: str, background: str, suggestions: str) -> Counter[str]:
    """A proposal's terms: its title and its text (not its people, not its replies, which
    would make one proposer's or one unit's proposals look alike)."""
    return features.counts(title, f"{background}\n{suggestions}")


def documents() -> int:
    row = TermWeight.objects.filter(term=TermWeight.DOCUMENTS).first()
    return row.documents if row else 0


def frequencies(terms: Iterable[str]) -> dict[str, int]:
    wanted = [t for t in set(terms) if t]
    return dict(TermWeight.objects.filter(term__in=wanted).values_list("term", "documents"))


def weigh(found: Mapping[str, int], keep: int) -> features.Vector:
    """``found``'s tf-idf vector with the trained frequencies."""
    return features.vector(found, frequencies(found), documents(), keep)


def query_vector(title: str, body: str = "") -> features.Vector:
    return weigh(features.counts(title, body), features.QUERY_TERMS)


def stored_vector(proposal_id: int) -> features.Vector:
    return dict(ProposalTerm.objects.filter(proposal_id=proposal_id).values_list("term", "weight"))


def _rows(proposal_id: int, session_id: int, vector: features.Vector) -> list[ProposalTerm]:
    return [
        ProposalTerm(proposal_id=proposal_id, session_id=session_id, term=t, weight=w)
        for t, w in vector.items()
    ]


def index(proposal: Proposal) -> None:
    """Rewrite one proposal's terms."""
    found = proposal_counts(proposal.title, proposal.background, proposal.suggestions)
    rows = _rows(proposal.pk, proposal.session_id, weigh(found, features.DOCUMENT_TERMS))
    with transaction.atomic():
        ProposalTerm.objects.filter(proposal_id=proposal.pk).delete()
        ProposalTerm.objects.bulk_create(rows)


def index_committed(proposal_id: int) -> None:
    """``index`` after a commit; a failure is logged, never the request's."""
    try:
        index(Proposal.objects.only("pk", "session_id", *TEXT_FIELDS).get(pk=proposal_id))
    except Exception:  # the change is committed; the terms can wait for the next save
        logger.warning("terms of proposal %s left as they were", proposal_id, exc_info=True)


def _texts():
    rows = Proposal.objects.order_by("pk").values_list("pk", "session_id", *TEXT_FIELDS)
    return rows.iterator(chunk_size=BATCH)


def train() -> int:
    """Recount the frequencies over every proposal and rewrite every proposal's terms.

    Two passes over the texts (counting first) keep memory flat at any size; the old
    index answers until the new one commits."""
    frequency: Counter[str] = Counter()
    total = 0
    for _pk, _session, *texts in _texts():
        frequency.update(proposal_counts(*texts).keys())
        total += 1
    with transaction.atomic():
        TermWeight.objects.all().delete()
        TermWeight.objects.bulk_create(
            [TermWeight(term=t, documents=n) for t, n in frequency.items()], batch_size=5000
        )
        TermWeight.objects.create(term=TermWeight.DOCUMENTS, documents=total)
        ProposalTerm.objects.all().delete()
        batch: list[ProposalTerm] = []
        for pk, session_id, *texts in _texts():
            vector = features.vector(
                proposal_counts(*texts), frequency, total, features.DOCUMENT_TERMS
            )
            batch += _rows(pk, session_id, vector)
            if len(batch) >= BATCH * 10:
                ProposalTerm.objects.bulk_create(batch)
                batch = []
        ProposalTerm.objects.bulk_create(batch)
    return total
