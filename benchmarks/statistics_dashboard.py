"""The statistics dashboard over a million proposals, next to hand-written SQL.

    .venv/bin/python -m benchmarks.statistics_dashboard [--proposals 1000000] [--repeat 3]
        [--database cppcc_bench_stats] [--keep]

Builds the benchmark world (``benchmarks.world``: a city and ten counties, every state,
assignments, deadlines, replies, feedback) on a scratch database (``benchmarks.scratch``:
the guard runs before anything touches a database), then, in ``--repeat`` rounds that
each run every measurement once (the best counts), times

* the dashboard's computation — ``dashboard.figures.compute_dashboard``, the function the
  page calls — as the city's staff over everything (city and counties), with the number
  of queries;
* one full ``GET /statistics/?committee=all`` through Django's test client, logged in as
  that staff member (and the default page, the city alone);
* hand-written SQL for the same aggregates through ``connection.cursor()``;

checks that both give the same figures and prints the lot. This is a measurement, not a
test: pytest does not collect it.
"""

from __future__ import annotations

import datetime
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks import scratch, world
from benchmarks.scratch import load
from benchmarks.world import CITY_CODE, scalar

# ---- the same aggregates, by hand -----------------------------------------------------------

# The received proposals in scope; every statement below starts from them.
RECEIVED = f"""
  r AS (
    SELECT p.id, p.committee_id, p.session_id, p.sector_id, p.state, p.category,
           p.source, p.kind, p.state IN ({", ".join(repr(s) for s in world.NUMBERED)}) AS filed
    FROM proposals_proposal p
    WHERE p.committee_id = ANY(%(ids)s) AND p.submitted_at IS NOT NULL
      AND p.state <> 'draft' /*period*/
  )"""

# Headline, every breakdown and the committees side by side: one pass, grouping sets.
RAW_MAIN = f"""
WITH {RECEIVED},
  overdue AS (
    SELECT DISTINCT d.proposal_id FROM proposals_deadline d
    WHERE d.is_open AND d.kind IN ('reply', 'co_opinion') AND d.due_date < %(today)s
  ),
  answered AS (  -- each lead/separate letter with the reply deadline it answered
    SELECT DISTINCT ON (rp.id) a.proposal_id, rp.reply_date > d.due_date AS late
    FROM proposals_reply rp
    JOIN proposals_assignment a ON a.id = rp.assignment_id AND a.role IN ('lead', 'separate')
    LEFT JOIN proposals_deadline d ON d.assignment_id = rp.assignment_id
         AND d.kind = 'reply' AND d.created_at <= rp.created_at
    ORDER BY rp.id, d.created_at DESC, d.id DESC
  ),
  replied AS (
    SELECT proposal_id, coalesce(bool_or(late), false) AS late FROM answered
    GROUP BY proposal_id
  ),
  f AS (
    SELECT r.*, o.proposal_id IS NOT NULL AS is_overdue,
           r.filed AND x.proposal_id IS NOT NULL AS is_replied,
           r.filed AND x.proposal_id IS NOT NULL AND NOT x.late AS is_on_time
    FROM r LEFT JOIN overdue o ON o.proposal_id = r.id
           LEFT JOIN replied x ON x.proposal_id = r.id
  )
SELECT GROUPING(state, category, source, kind, sector_id, session_id, committee_id),
       state, category, source, kind, sector_id, session_id, committee_id,
       count(*), count(*) FILTER (WHERE filed), count(*) FILTER (WHERE is_overdue),
       count(*) FILTER (WHERE is_replied), count(*) FILTER (WHERE is_on_time)
FROM f
GROUP BY GROUPING SETS ((), (state), (category), (source), (kind), (sector_id), (session_id),
                        (committee_id), (committee_id, category))
"""

RAW_NAMES = """
SELECT 'committee', id, name FROM committees_committee WHERE id = ANY(%(ids)s)
UNION ALL SELECT 'sector', id, name FROM committees_sector WHERE committee_id = ANY(%(ids)s)
UNION ALL SELECT 'session', id, term || '-' || meeting FROM committees_session
          WHERE committee_id = ANY(%(ids)s)
"""

RAW_LABELS = """
SELECT reply_classes FROM committees_ruleset
WHERE committee_id = ANY(%(ids)s) AND session_id IS NULL ORDER BY id
"""

# Reply letters of the latest round of each lead/separate assignment of filed proposals.
RAW_CLASSES = f"""
WITH {RECEIVED}
SELECT rp.classification, count(*)
FROM proposals_reply rp
JOIN proposals_assignment a ON a.id = rp.assignment_id AND a.role IN ('lead', 'separate')
JOIN r ON r.id = a.proposal_id AND r.filed
WHERE NOT EXISTS (SELECT 1 FROM proposals_reply n
                  WHERE n.assignment_id = rp.assignment_id AND n.round > rp.round)
GROUP BY 1
"""

# The lead proposer's feedback on the latest round.
RAW_SATISFACTION = f"""
WITH {RECEIVED}
SELECT fb.communication, fb.result, count(*)
FROM proposals_feedback fb
JOIN r ON r.id = fb.proposal_id
WHERE fb.is_decisive
  AND NOT EXISTS (SELECT 1 FROM proposals_feedback l WHERE l.proposal_id = fb.proposal_id
                  AND l.is_decisive AND l.round > fb.round)
GROUP BY 1, 2
"""

RAW_UNITS = f"""
WITH {RECEIVED},
  overdue AS (
    SELECT DISTINCT d.assignment_id FROM proposals_deadline d
    WHERE d.is_open AND d.kind IN ('reply', 'co_opinion') AND d.due_date < %(today)s
  )
SELECT a.unit_id, u.name, count(*),
       count(*) FILTER (WHERE a.status IN ('replied', 'opinion_given')),
       count(*) FILTER (WHERE o.assignment_id IS NOT NULL)
FROM proposals_assignment a
JOIN r ON r.id = a.proposal_id
JOIN committees_handlingunit u ON u.id = a.unit_id
LEFT JOIN overdue o ON o.assignment_id = a.id
WHERE a.status <> 'rerouted'
GROUP BY a.unit_id, u.name, u.code
ORDER BY 3 DESC, u.code, a.unit_id
LIMIT %(top)s
"""

# The longest-overdue deadlines among the proposals the viewer may open.
RAW_OVERDUE = f"""
WITH {RECEIVED}
SELECT d.id, d.due_date, %(today)s - d.due_date, u.name, p.number, p.title
FROM proposals_deadline d
JOIN r ON r.id = d.proposal_id AND r.committee_id = ANY(%(visible)s)
JOIN proposals_assignment a ON a.id = d.assignment_id
JOIN committees_handlingunit u ON u.id = a.unit_id
JOIN proposals_proposal p ON p.id = d.proposal_id
WHERE d.is_open AND d.kind IN ('reply', 'co_opinion') AND d.due_date < %(today)s
ORDER BY d.due_date, d.id
LIMIT %(limit)s
"""


PERIOD = "AND p.submitted_at >= %(start)s AND p.submitted_at < %(end)s"


def period(sql: str, params: dict) -> str:
    """``sql`` limited to the proposals submitted in ``params``' year, if it has one."""
    return sql.replace("/*period*/", PERIOD if "start" in params else "")


def year_bounds(year: int) -> dict:
    """The year as the app counts it: submitted in that calendar year, China time."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    return {
        "start": datetime.datetime(year, 1, 1, tzinfo=zone),
        "end": datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    }


def params(staff, today: datetime.date) -> dict:
    """The statements' parameters for ``staff``'s whole statistics scope."""
    from committees.scoping import committee_ids, statistics_committee_ids
    from proposals.reports.dashboard import scope as dashboard_scope

    return {
        "ids": sorted(statistics_committee_ids(staff)),
        "visible": sorted(committee_ids(staff)),
        "today": today,
        "top": dashboard_scope.TOP_UNITS + 1,
        "limit": dashboard_scope.OVERDUE_ROWS,
    }


def raw_sql(params: dict) -> dict:
    """Run the hand-written statements; the figures in the shape ``orm_figures`` gives."""
    from django.db import connection

    from proposals.choices import Category, Kind, Satisfaction, Source, State

    with connection.cursor() as cursor:
        cursor.execute(period(RAW_MAIN, params), params)
        main = cursor.fetchall()
        cursor.execute(period(RAW_NAMES, params), params)
        cursor.fetchall()
        cursor.execute(period(RAW_LABELS, params), params)
        cursor.fetchall()
        cursor.execute(period(RAW_CLASSES, params), params)
        classes = dict(cursor.fetchall())
        cursor.execute(period(RAW_SATISFACTION, params), params)
        satisfaction = cursor.fetchall()
        cursor.execute(period(RAW_UNITS, params), params)
        units = cursor.fetchall()
        cursor.execute(period(RAW_OVERDUE, params), params)
        overdue = cursor.fetchall()

    # GROUPING(...) bits, first argument highest: 0 where the column is grouped. Keys
    # follow ``bits``: (category, committee) for that grouping set.
    bits = ["state", "category", "source", "kind", "sector", "session", "committee"]

    def grouped(mask: int) -> set[str]:
        return {name for i, name in enumerate(bits) if not mask & (1 << (len(bits) - 1 - i))}

    by: dict[frozenset, dict] = {}
    for row in main:
        keys = grouped(row[0])
        values = dict(zip(bits, row[1:8], strict=True))
        key = tuple(values[k] for k in bits if k in keys)
        by.setdefault(frozenset(keys), {})[key] = row[8:]

    def counts(*keys: str) -> dict:
        return by.get(frozenset(keys), {})

    total = counts()[()]
    zero = (0, 0, 0, 0, 0)
    state = counts("state")
    category = counts("category")
    source = counts("source")
    kind = counts("kind")
    per_committee = counts("committee")
    committee_category = counts("committee", "category")
    communication = {s.value: 0 for s in Satisfaction}
    result = {s.value: 0 for s in Satisfaction}
    for comm, res, n in satisfaction:
        communication[comm] += n
        result[res] += n
    kinds = {k: kind.get((k,), zero)[:2] for k in Kind.values}
    if kind.get(("",)):
        kinds[""] = kind[("",)][:2]
    return {
        "received": total[0],
        "filed": total[1],
        "overdue": total[2],
        "replied": total[3],
        "on_time": total[4],
        "state": {s: state.get((s,), zero)[0] for s in State.values if s != State.DRAFT},
        "category": {c: category.get((c,), zero)[:2] for c in Category.values},
        "source": {s: source.get((s,), zero)[:2] for s in Source.values},
        "kind": kinds,
        "sector": {k[0]: v[:2] for k, v in counts("sector").items()},
        "session": {k[0]: v[:2] for k, v in counts("session").items()},
        "committee": {k[0]: v[:2] for k, v in per_committee.items()},
        "classes": {code: n for code, n in classes.items() if n},
        "satisfaction": (sum(communication.values()), communication, result),
        "units": [(u[0], u[2], u[3], u[4]) for u in units],
        "comparison": {
            c: (
                v[0],
                v[1],
                v[2],
                v[3],
                v[4],
                tuple(committee_category.get((cat, c), zero)[:2] for cat in Category.values),
            )
            for (c,), v in per_committee.items()
        },
        "overdue_list": [row[0] for row in overdue],
    }


def orm_figures(figures) -> dict:
    s = figures.statistics
    return {
        "received": s.received,
        "filed": s.filed,
        "overdue": s.overdue,
        "replied": s.replies.replied,
        "on_time": s.replies.on_time,
        "state": {x.value: x.count for x in s.by_state},
        "category": {x.value: (x.received, x.filed) for x in s.by_category},
        "source": {x.value: (x.received, x.filed) for x in s.by_source},
        "kind": {x.value: (x.received, x.filed) for x in s.by_kind},
        "sector": {g.id: (g.received, g.filed) for g in s.sectors},
        "session": {g.id: (g.received, g.filed) for g in s.by_session},
        "committee": {g.id: (g.received, g.filed) for g in s.committees},
        "classes": {c.value: c.count for c in s.replies.classes if c.count},
        "satisfaction": (
            s.satisfaction.responses,
            {x.value: x.count for x in s.satisfaction.communication},
            {x.value: x.count for x in s.satisfaction.result},
        ),
        "units": [(u.id, u.assigned, u.replied, u.overdue) for u in s.units],
        "comparison": {
            c.id: (
                c.received,
                c.filed,
                c.overdue,
                c.replied,
                c.on_time,
                tuple((x.received, x.filed) for x in c.by_category),
            )
            for c in figures.committees
            if c.received
        },
        "overdue_list": [row.deadline.pk for row in figures.overdue],
    }


def numbers(value) -> int:
    """How many numbers a figure structure holds."""
    if isinstance(value, dict):
        return sum(numbers(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(numbers(v) for v in value)
    return 1


def differences(orm: dict, raw: dict) -> list[str]:
    return [
        f"{key}: ORM {orm[key]!r:.200} ≠ SQL {raw[key]!r:.200}"
        for key in orm
        if orm[key] != raw[key]
    ]


# ---- timing ---------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    run: Callable[[], object]
    times: list[float] = field(default_factory=list)
    queries: int = 0
    result: object = None

    @property
    def best(self) -> float:
        return min(self.times)


def measure(timings: list[Timing], repeat: int) -> None:
    """``repeat`` rounds, each running every measurement once, so that whatever else the
    machine is doing weighs on all of them alike; the best of each counts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for round_ in range(1, repeat + 1):
        for t in timings:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                t.result = t.run()
                t.times.append(time.perf_counter() - started)
            t.queries = len(ctx.captured_queries)
        times = ", ".join(f"{t.label} {t.times[-1]:.2f} s" for t in timings)
        print(f"  round {round_}: {times}; {load()}", flush=True)


def main() -> None:
    parser = scratch.parser(__doc__.splitlines()[0], "cppcc_bench_stats")
    parser.add_argument("--proposals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--seed", type=int, default=2025)
    scratch.run(parser.parse_args(), run)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from committees.models import Committee
    from committees.scoping import statistics_committee_ids
    from members.models import User
    from proposals.reports.dashboard import figures as dashboard_figures
    from proposals.reports.dashboard import scope as dashboard_scope

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    print(
        f"statistics dashboard benchmark: PostgreSQL {scalar('SHOW server_version').split()[0]} "
        f"({connection.settings_dict['NAME']}), "
        f"Django {__import__('django').get_version()}, Python {platform.python_version()}, "
        f"{load()}; migrated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    print(f"data: building {args.proposals:,} proposals …", flush=True)
    started = time.perf_counter()
    world.build(args.proposals, args.seed, today)
    print(f"data: built in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"data: {world.describe_dataset()}")

    staff = User.objects.get(username="city-staff")
    scope = dashboard_scope.Scope.of(staff)
    ids = sorted(statistics_committee_ids(staff))
    city = Committee.objects.get(code=CITY_CODE)
    print(
        f"scope: the city's staff ({city.name}), all {len(ids)} committees "
        f"(?committee=all); today {today}; best of {args.repeat}"
    )

    def orm():
        return dashboard_figures.compute_dashboard(
            staff, committee=None, today=today, committees=scope.committees
        )

    raw_params = params(staff, today)
    client = Client()
    client.force_login(staff)

    def page(**query):
        def get():
            response = client.get("/statistics/", query)
            assert response.status_code == 200, response.status_code
            return response

        return get

    timings = [
        Timing("dashboard (ORM)", orm),
        Timing("raw SQL", lambda: raw_sql(raw_params)),
        Timing("page, all", page(committee="all")),
        Timing("page, city", page()),
    ]
    measure(timings, args.repeat)
    orm_t, raw_t, page_t, city_t = timings
    figures, raw = orm_t.result, raw_t.result
    orm_s, orm_q, raw_s, raw_q = orm_t.best, orm_t.queries, raw_t.best, raw_t.queries
    page_s, page_q, city_s, city_q = page_t.best, page_t.queries, city_t.best, city_t.queries

    ours = orm_figures(figures)
    wrong = differences(ours, raw)
    print()
    print(
        f"dashboard (ORM, {orm_q} queries): {orm_s:.2f} s   "
        f"raw SQL (same aggregates, {raw_q} statements): {raw_s:.2f} s"
    )
    print(f"page GET /statistics/?committee=all (test client, {page_q} queries): {page_s:.2f} s")
    print(f"page GET /statistics/ (the city alone, {city_q} queries): {city_s:.2f} s")
    s = figures.statistics
    print(
        f"figures: {s.received:,} received, {s.filed:,} filed ({s.filing_rate} %), "
        f"{s.replies.replied:,} replied, {s.replies.on_time:,} on time "
        f"({s.replies.on_time_rate} %), {s.overdue:,} overdue, "
        f"{s.satisfaction.responses:,} feedback, {len(s.by_session)} sessions, "
        f"{len(figures.committees)} committees side by side"
    )
    if wrong:
        print(f"figures agree: NO — {len(wrong)} differ:")
        for line in wrong:
            print(f"  {line}")
    else:
        print(f"figures agree: yes ({numbers(ours):,} numbers compared)")
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
