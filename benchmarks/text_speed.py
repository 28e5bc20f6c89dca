"""How fast search and similar proposals are at province scale, each next to hand-written
SQL for the same rows in the same run, with the plans PostgreSQL chose.

    python -m benchmarks.text_speed --proposals 100000 [--queries 60] [--keep]

The scratch database (``benchmarks.scratch``) is filled in bulk (COPY, indexes built
after loading): committees of ten sessions of 500 proposals each (100 committees at
1M), the texts drawn from a pool of proposals written by the demo's ``Namer`` (every
title stem, topic problems and measures, retellings), segmented and weighed once per
pool text, with document frequencies scaled to the whole corpus. Then, as a committee's
staff user (visibility rules applied, as the pages and the API do):

- search: ``proposals.search.matching`` over the visible proposals for a topic word or
  phrase, the first page of 20 by relevance, vs the same ``@@``/``ts_rank_cd`` in SQL;
- similar: ``proposals.text.similar.for_text`` for a proposal-sized text (the top five
  with state, reply class and opening), vs the postings aggregation in SQL.

Latency is wall time per call (median, p95); memory is this process's peak RSS.
"""

from __future__ import annotations

import datetime
import random
import resource
import statistics
import time
from collections import Counter

from benchmarks import scratch, world

SESSIONS_PER_COMMITTEE = 10
PER_SESSION = 500
POOL = 20000
QUERIES = [
    "养老", "停车", "数字经济", "课后服务", "老旧小区", "医疗", "托育", "非遗", "汾河",
    "充电桩", "营商环境", "人才公寓", "社区工作者", "扬尘", "公交线网", "乡村振兴 品牌",
    "家庭医生", "加装电梯", "民营企业 融资", "生态修复",
]  # fmt: skip


def main() -> None:
    parser = scratch.parser(__doc__.splitlines()[0], "cppcc_bench_text_speed")
    parser.add_argument("--proposals", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    scratch.run(parser.parse_args(), run)


def run(args) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    staff, texts = build(args)
    print(f"构建 {args.proposals} 件提案及其索引：{time.monotonic() - started:.0f} 秒")
    rng = random.Random(args.seed)
    rows = [
        measure_search(staff, rng, args.queries),
        measure_similar(staff, rng, texts, args.queries),
    ]
    print(f"\n{'what':<34}{'p50 ms':>9}{'p95 ms':>9}{'SQL p50':>9}{'SQL p95':>9}{'ratio':>7}")
    for name, ours, raw in rows:
        p50, p95, r50, r95 = (*percentiles(ours), *percentiles(raw))
        print(f"{name:<34}{p50:>9.1f}{p95:>9.1f}{r50:>9.1f}{r95:>9.1f}{p50 / r50:>7.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n本进程内存峰值（RSS）：{peak:.0f} MB（含 jieba 词典与 Django）")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


# ---- building ----------------------------------------------------------------------------


def _pool(rng: random.Random, size: int) -> list[dict]:
    """The world's texts (``benchmarks.world.text_pool``), each segmented and counted once."""
    from proposals.text import index

    pool = world.text_pool(rng, size)
    for text in pool:
        text["counts"] = index.proposal_counts(
            text["title"], text["background"], text["suggestions"]
        )
    return pool


def build(args):
    """Committees, sessions, a staff user, and ``--proposals`` proposals with their search
    vectors and terms, loaded with COPY; returns (staff user, pool texts)."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from committees.models import Committee, Session
    from members.models import User
    from members.roles import Role
    from proposals.models import ProposalTerm, TermWeight
    from proposals.text import features

    rng = random.Random(args.seed)
    per_committee = SESSIONS_PER_COMMITTEE * PER_SESSION
    committees = [
        Committee.objects.create(name=f"第{i + 1}政协", code=f"c{i + 1}")
        for i in range(max(1, -(-args.proposals // per_committee)))
    ]
    sessions = [
        Session.objects.create(
            committee=c,
            term=1,
            meeting=m + 1,
            plenary_start=datetime.date(2016 + m, 1, 10),
            plenary_end=datetime.date(2016 + m, 1, 14),
        )
        for c in committees
        for m in range(SESSIONS_PER_COMMITTEE)
    ]
    staff = User.objects.create_user("bench_staff", committee=committees[0])
    staff.groups.add(Group.objects.get_or_create(name=Role.STAFF)[0])
    proposer = User.objects.create_user("bench_member", committee=committees[0])
    proposer.groups.add(Group.objects.get_or_create(name=Role.MEMBER)[0])
    pool = _pool(rng, min(POOL, args.proposals))
    frequency: Counter[str] = Counter()
    for text in pool:
        frequency.update(text["counts"].keys())
    scale = args.proposals / len(pool)
    frequencies = {t: max(1, round(n * scale)) for t, n in frequency.items()}
    TermWeight.objects.bulk_create(
        [TermWeight(term=t, documents=n) for t, n in frequencies.items()], batch_size=5000
    )
    TermWeight.objects.create(term=TermWeight.DOCUMENTS, documents=args.proposals)
    for text in pool:
        text["vector"] = features.vector(
            text["counts"], frequencies, args.proposals, features.DOCUMENT_TERMS
        )
    with connection.cursor() as cursor:
        for text in pool:
            cursor.execute(
                "SELECT (setweight(to_tsvector('simple', %s), 'A')"
                " || setweight(to_tsvector('simple', %s), 'B'))::text",
                [text["title_words"], text["body_words"]],
            )
            text["tsvector"] = cursor.fetchone()[0]
    _load(args.proposals, pool, sessions, proposer.pk, rng)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {ProposalTerm._meta.db_table}")
        cursor.execute("VACUUM ANALYZE proposals_proposal")
    return staff, pool


def _load(total: int, pool, sessions, proposer_id: int, rng: random.Random) -> None:
    """COPY the proposals and their terms with the big indexes dropped, then rebuild them."""
    from django.db import connection

    from proposals.models import Proposal, ProposalTerm

    big = ["proposal_search_gin", "proposalterm_term_session", "proposalterm_proposal"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [big]
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT coalesce(max(id), 0) FROM proposals_proposal")
        first_id = cursor.fetchone()[0] + 1
    chosen = [rng.randrange(len(pool)) for _ in range(total)]
    newest = {s.committee_id: s.pk for s in sessions}  # sessions were made oldest first
    columns = (
        "id, committee_id, session_id, kind, title, background, suggestions, category, source,"
        " state, number, is_key, decline_ground, decline_note, handling_round, version,"
        " created_at, updated_at, submitted_at, proposer_id, search_document, search_vector"
    )
    with connection.connection.cursor() as cursor:  # psycopg 3's COPY
        with cursor.copy(f"COPY {Proposal._meta.db_table} ({columns}) FROM STDIN") as copy:
            for i, k in enumerate(chosen):
                session, text = sessions[i // PER_SESSION], pool[k]
                at = f"{session.plenary_start.isoformat()} 10:00:00+08"
                state = "submitted" if newest[session.committee_id] == session.pk else "closed"
                copy.write_row(
                    (first_id + i, session.committee_id, session.pk, "plenary", text["title"],
                     text["background"], text["suggestions"], text["category"], "member", state,
                     "", False, "", "", 1, 1, at, at, at, proposer_id, text["document"],
                     text["tsvector"])
                )  # fmt: skip
        # The terms in SQL: each pool text's postings copied once, joined to the proposals.
        cursor.execute("CREATE TEMP TABLE pool_terms (pool int, term text, weight float8)")
        with cursor.copy("COPY pool_terms FROM STDIN") as copy:
            for k, text in enumerate(pool):
                for term, weight in text["vector"].items():
                    copy.write_row((k, term, weight))
        cursor.execute("CREATE TEMP TABLE chosen (proposal_id bigint, pool int)")
        with cursor.copy("COPY chosen FROM STDIN") as copy:
            for i, k in enumerate(chosen):
                copy.write_row((first_id + i, k))
        cursor.execute(
            f"INSERT INTO {ProposalTerm._meta.db_table} (proposal_id, session_id, term, weight)"
            " SELECT c.proposal_id, p.session_id, t.term, t.weight FROM chosen c"
            " JOIN pool_terms t ON t.pool = c.pool"
            " JOIN proposals_proposal p ON p.id = c.proposal_id"
        )
    with connection.cursor() as cursor:
        for _, definition in definitions:
            cursor.execute(definition)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('proposals_proposal', 'id'), %s)",
            [first_id + total],
        )


# ---- measuring -----------------------------------------------------------------------------


def measure_search(staff, rng: random.Random, count: int):
    from django.db import connection

    from proposals import search
    from proposals.models import Proposal

    ours, raw = [], []
    visible = Proposal.objects.visible_to(staff)
    for i in range(count):
        q = QUERIES[i % len(QUERIES)]

        def project(q=q):
            page = search.matching(visible, q).order_by("-search_rank", "-id")[:20]
            return list(page.values_list("pk", "title"))

        words = " & ".join(search.query_words(q))

        def hand_written(words=words):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, title FROM proposals_proposal"
                    " WHERE committee_id = %s AND state <> 'draft'"
                    " AND search_vector @@ to_tsquery('simple', %s)"
                    " ORDER BY ts_rank_cd(search_vector, to_tsquery('simple', %s)) DESC, id DESC"
                    " LIMIT 20",
                    [staff.committee_id, words, words],
                )
                return cursor.fetchall()

        ours.append(timed(project))
        raw.append(timed(hand_written))
    explain(search.matching(visible, "养老").order_by("-search_rank", "-id")[:20], "搜索「养老」")
    return ("search (page of 20, by relevance)", ours, raw)


def measure_similar(staff, rng: random.Random, texts, count: int):
    from django.db import connection

    from proposals.models import ProposalTerm
    from proposals.text import index, similar

    sessions = similar.sessions_for(staff, day=datetime.date(2025, 12, 1))
    ours, raw = [], []
    for _ in range(count):
        text = texts[rng.randrange(len(texts))]
        body = f"{text['background']}\n{text['suggestions']}"

        def project(text=text, body=body):
            return similar.for_text(staff, text["title"], body)

        vector = index.query_vector(text["title"], body)

        def hand_written(vector=vector):
            values = ", ".join(["(%s, %s)"] * len(vector))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH q(term, w) AS (VALUES {values})"
                    f" SELECT t.proposal_id, sum(t.weight * q.w::float8) AS score"
                    f" FROM {ProposalTerm._meta.db_table} t JOIN q ON q.term = t.term"
                    " WHERE t.session_id = ANY(%s)"
                    " GROUP BY t.proposal_id ORDER BY score DESC LIMIT 5",
                    [x for pair in vector.items() for x in pair] + [sessions],
                )
                return cursor.fetchall()

        ours.append(timed(project))
        raw.append(timed(hand_written))
    vector = index.query_vector(texts[0]["title"], texts[0]["background"])
    explain(similar.ranking(vector, sessions), "相似提案的倒排打分")
    return ("similar proposals (top 5, with replies)", ours, raw)


def explain(queryset, label: str) -> None:
    plan = queryset.explain()
    used = [line.strip() for line in plan.splitlines() if "Index" in line or "Bitmap" in line]
    print(f"\nEXPLAIN {label}：")
    for line in used[:6]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
