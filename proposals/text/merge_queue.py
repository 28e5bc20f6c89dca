"""Merge suggestions (并案建议): groups of a session's proposals that say the same thing.

Every pair of the session's proposals still open to merging is scored in one query over
the inverted index (a self-join on shared terms); pairs at or above ``THRESHOLD`` that
staff have not dismissed link proposals; each linked set is split into stars: the main
proposal (the filed one if there is one, else the first sent in) with the proposals like
it, then the same among the rest, so a chain A–B–C never asks to merge C into A. A group
is shown while one of its proposals still awaits the decision on filing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from proposals.domain import groups
from proposals.models import MergeDismissal, Proposal, ProposalTerm

THRESHOLD = 0.7


@dataclass(frozen=True)
class MergeGroup:
    main: Proposal
    others: list[tuple[Proposal, float]]  # with their score against the main proposal

    @property
    def ids(self) -> list[int]:
        return [self.main.pk, *(p.pk for p, _ in self.others)]


def _pairs(session_id: int, ids: list[int], threshold: float) -> dict[tuple[int, int], float]:
    if len(ids) < 2:
        return {}
    terms = ProposalTerm._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT a.proposal_id, b.proposal_id, SUM(a.weight * b.weight)
        FROM {terms} a JOIN {terms} b ON a.term = b.term AND a.proposal_id < b.proposal_id
        WHERE a.session_id = %s AND b.session_id = %s
          AND a.proposal_id IN ({marks}) AND b.proposal_id IN ({marks})
        GROUP BY a.proposal_id, b.proposal_id
        HAVING SUM(a.weight * b.weight) >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_id, session_id, *ids, *ids, threshold])
        return {(a, b): s for a, b, s in cursor.fetchall()}


def _components(edges) -> list[set[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    found: dict[int, set[int]] = defaultdict(set)
    for x in list(parent):
        found[root(x)].add(x)
    return list(found.values())


def dismissed(ids) -> set[tuple[int, int]]:
    rows = MergeDismissal.objects.filter(first_id__in=ids, second_id__in=ids)
    return set(rows.values_list("first_id", "second_id"))


def suggestions(proposals, session_id: int, threshold: float = THRESHOLD) -> list[MergeGroup]:
    """The merge groups among ``proposals`` (a queryset the caller may see) of a session."""
    open_ = proposals.filter(session_id=session_id, state__in=groups.values(groups.MERGE_TARGETS))
    open_ = open_.filter(merged_into__isnull=True)
    ids = sorted(open_.values_list("pk", flat=True))
    pairs = _pairs(session_id, ids, threshold)
    skip = dismissed(ids)
    pairs = {pair: s for pair, s in pairs.items() if pair not in skip}
    by_pk = Proposal.objects.select_related("proposer", "organization").in_bulk(
        {pk for pair in pairs for pk in pair}
    )
    found = []
    for members in _components(pairs):
        rows = sorted((by_pk[pk] for pk in members), key=_main_first)
        while len(rows) > 1:  # a star round its main: only what is like the main itself
            main, rest = rows[0], rows[1:]
            others = [(p, _score(pairs, main.pk, p.pk)) for p in rest]
            linked = [(p, s) for p, s in others if s is not None]
            if linked and any(p.state in groups.UNDER_CONSIDERATION for p in (main, *dict(linked))):
                found.append(MergeGroup(main, sorted(linked, key=lambda ps: -ps[1])))
            rows = [p for p, s in others if s is None]
    found.sort(key=lambda g: -max(s for _, s in g.others))
    return found


def _main_first(p: Proposal):
    """The filed proposal first (lowest number), then the first sent in."""
    return (p.sequence is None, p.sequence or 0, p.submitted_at or p.created_at, p.pk)


def _score(pairs, a: int, b: int) -> float | None:
    score = pairs.get((min(a, b), max(a, b)))
    return None if score is None else round(score, 3)
