"""How good the text model is, on a labelled set built from the demo world, each figure
next to a plain keyword baseline measured in the same run.

    python -m benchmarks.text_quality [--twins 40] [--seed 2023] [--keep]

1. A scratch database (``benchmarks.scratch``) gets the demo world (``seed_demo``:
   Taiyuan's 743 proposals of 2023, the live session, two district committees).
2. Into an empty session after 2023 go ``--twins`` pairs of proposals saying the same
   thing (the demo's own ``Namer.retold``: a new title, reordered problems, measures
   reordered with one dropped, near synonyms, another template) and one proposal for
   every other title stem of the demo's vocabulary: unrelated matters sharing the
   boilerplate (关于…的提案, 一是…二是…, the background's set phrases) and, for stems of
   the same topic, much of the vocabulary — the hard negatives.
3. Measured:
   - recall at 5: each twin's partner among the five most similar proposals of its
     session and the two before (2023's 743 proposals included);
   - merge-queue precision: of the pairs the queue suggests in that session, the share
     that are twins (and its recall);
   - top-3 unit accuracy: for a held-out fifth of 2023's assigned proposals (profiles
     learnt and neighbours drawn from the other four fifths), whether the lead unit that
     handled it is among the three suggested (and top-1 category accuracy).
   The keyword baseline ranks by the number of words (jieba) two texts share; its merge
   queue takes as many of the top-sharing pairs as ours suggests; its units are the
   votes of its fifteen nearest neighbours.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict

from benchmarks import scratch

TARGETS = {"recall@5": 0.9, "merge precision": 0.8, "unit top-3": 0.8}


def main() -> None:
    parser = scratch.parser(__doc__.splitlines()[0], "cppcc_bench_text")
    parser.add_argument("--twins", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2023)
    scratch.run(parser.parse_args(), run)


def run(args) -> None:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", seed=args.seed, today="2025-11-20", verbosity=0, stdout=_Quiet())
    twins, session = labelled_session(args)
    call_command("train_text_model", stdout=_Quiet())
    print(f"演示数据与标注集就绪：{time.monotonic() - started:.0f} 秒\n")
    rows = [
        ("recall@5", *recall_at_5(twins, session)),
        ("merge precision", *merge_precision(twins, session)),
        ("unit top-3", *unit_accuracy(args.seed)),
    ]
    print(f"{'figure':<18}{'text model':>12}{'keyword':>10}{'target':>9}  detail")
    for name, ours, baseline, detail in rows:
        mark = "ok" if ours >= TARGETS[name] else "BELOW"
        print(f"{name:<18}{ours:>12.3f}{baseline:>10.3f}{TARGETS[name]:>9.2f}  {detail}  {mark}")


class _Quiet:
    def write(self, *_args) -> None:
        pass

    def flush(self) -> None:
        pass


# ---- the labelled session -----------------------------------------------------------


def labelled_session(args):
    """Twins and unrelated proposals, submitted in the city's first empty session."""
    from committees.models import Committee, Session, Topic
    from demo import names
    from demo.texts import Namer, Title
    from members.models import Member
    from proposals.models import Proposal
    from proposals.text import index

    rng = random.Random(args.seed)
    city = Committee.objects.get(code="taiyuan")
    used = set(Proposal.objects.values_list("session_id", flat=True).distinct())
    session = (
        Session.objects.filter(committee=city, plenary_start__year__gt=2023)
        .exclude(pk__in=used)
        .order_by("plenary_start")
        .first()
    )
    topics = {(t.category, t.name): t for t in Topic.objects.filter(committee=city)}
    members = list(Member.objects.filter(committee=city).select_related("user")[:200])
    namer = Namer(rng)
    stems = [
        Title(f"关于{stem}的{rng.choice(names.TITLE_SUFFIXES)}", category, topic, stem)
        for category, by_topic in names.TITLE_STEMS.items()
        for topic, stem_list in by_topic.items()
        for stem in stem_list
    ]
    rng.shuffle(stems)
    contents = []
    pairs = []
    for i, title in enumerate(stems):
        content = namer.content(title)
        contents.append(content)
        if i < args.twins:
            contents.append(namer.retold(content))
            pairs.append((len(contents) - 2, len(contents) - 1))
    at = datetime.datetime.combine(session.plenary_start, datetime.time(10), tzinfo=datetime.UTC)
    made = Proposal.objects.bulk_create(
        [
            Proposal(
                committee=city,
                session=session,
                title=c.title.text,
                background=namer.background(c),
                suggestions=namer.suggestions(c),
                category=c.title.category,
                topic=topics[(c.title.category, c.title.topic)],
                source="member",
                proposer=rng.choice(members).user,
                state="submitted",
                submitted_at=at,
            )
            for c in contents
        ]
    )
    for p in made:
        index.index(p)
    twins = {frozenset((made[a].pk, made[b].pk)) for a, b in pairs}
    print(
        f"标注集：{session}，{len(made)} 件（{len(twins)} 对同义改写，"
        f"其余 {len(made) - 2 * len(twins)} 件各为不同事项、共享套话）"
    )
    return twins, session


# ---- the keyword baseline ---------------------------------------------------------------


def keyword_sets(proposals) -> dict[int, frozenset[str]]:
    from proposals import search

    return {
        p.pk: frozenset(search.words(f"{p.title}\n{p.background}\n{p.suggestions}"))
        for p in proposals
    }


def keyword_ranking(words, query: int, among) -> list[int]:
    mine = words[query]
    scored = [(len(mine & words[pk]), -pk) for pk in among if pk != query]
    scored.sort(reverse=True)
    return [-neg for _, neg in scored]


# ---- the figures ------------------------------------------------------------------------


def recall_at_5(twins, session) -> tuple[float, float, str]:
    from proposals.models import Proposal
    from proposals.text import index, similar

    sessions = similar.sessions_up_to(session.committee_id, session.plenary_start)
    pool = list(Proposal.objects.filter(session_id__in=sessions))
    words = keyword_sets(pool)
    among = [p.pk for p in pool]
    by_pk = {p.pk: p for p in pool}
    hits = baseline_hits = asked = 0
    for pair in twins:
        for query, partner in (tuple(pair), tuple(pair)[::-1]):
            p = by_pk[query]
            vector = index.query_vector(p.title, f"{p.background}\n{p.suggestions}")
            top = [pk for pk, _ in similar.scores(vector, sessions, [query], limit=5)]
            hits += partner in top
            baseline_hits += partner in keyword_ranking(words, query, among)[:5]
            asked += 1
    return hits / asked, baseline_hits / asked, f"{asked} 次查询，候选 {len(pool)} 件"


def merge_precision(twins, session) -> tuple[float, float, str]:
    from proposals.models import Proposal
    from proposals.text import merge_queue

    groups = merge_queue.suggestions(Proposal.objects.all(), session.pk)
    suggested = {frozenset((g.main.pk, p.pk)) for g in groups for p, _ in g.others}
    right = len(suggested & twins)
    precision = right / len(suggested) if suggested else 0.0
    proposals = list(Proposal.objects.filter(session=session))
    words = keyword_sets(proposals)
    ids = sorted(words)
    overlap = [
        (len(words[a] & words[b]) / len(words[a] | words[b]), frozenset((a, b)))
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    ]
    overlap.sort(key=lambda pair: -pair[0])
    baseline = {pair for _, pair in overlap[: len(suggested)]}
    baseline_precision = len(baseline & twins) / len(baseline) if baseline else 0.0
    detail = (
        f"建议 {len(suggested)} 对（{len(groups)} 组），其中同义 {right} 对；"
        f"召回 {right / len(twins):.2f}；阈值 {merge_queue.THRESHOLD}"
    )
    return precision, baseline_precision, detail


def unit_accuracy(seed: int) -> tuple[float, float, str]:
    from django.db.models import Q

    from proposals.models import Assignment, Proposal
    from proposals.text import routing

    leads = dict(
        Assignment.objects.filter(
            routing.final_leads(), proposal__session__plenary_start__year=2023
        ).values_list("proposal_id", "unit_id")
    )
    ids = sorted(leads)
    random.Random(seed).shuffle(ids)
    held = set(ids[: len(ids) // 5])
    train = [pk for pk in ids if pk not in held]
    routing.learn(exclude=held)
    tests = list(Proposal.objects.filter(pk__in=held).order_by("pk"))
    hits = category_hits = 0
    for p in tests:
        found = routing.suggest(p, among=train)
        hits += leads[p.pk] in [c.unit.pk for c in found.units[:3]]
        category_hits += bool(found.categories) and found.categories[0].code == p.category
    proposals = list(Proposal.objects.filter(Q(pk__in=held) | Q(pk__in=train)))
    words = keyword_sets(proposals)
    baseline_hits = 0
    for p in tests:
        votes: Counter = Counter()
        for pk in keyword_ranking(words, p.pk, train)[: routing.NEIGHBOURS]:
            votes[leads[pk]] += len(words[p.pk] & words[pk])
        baseline_hits += leads[p.pk] in [unit for unit, _ in votes.most_common(3)]
    by_unit = defaultdict(int)
    for pk in train:
        by_unit[leads[pk]] += 1
    detail = (
        f"留出 {len(tests)} 件、训练 {len(train)} 件（{len(by_unit)} 个主办单位）；"
        f"类别首选准确率 {category_hits / len(tests):.2f}"
    )
    return hits / len(tests), baseline_hits / len(tests), detail


if __name__ == "__main__":
    main()
