"""Province scale: lists, detail, search and statistics, each next to hand-written SQL
for the same rows in the same run, and a bounded load test against gunicorn.

    bash benchmarks/run.sh --proposals 100000      # or: python -m benchmarks.scale …

On a scratch database (``benchmarks.scratch``: the guard runs before anything touches a
database) it builds the benchmark world (``benchmarks.world``: a city and ten counties,
every state, realistic text, co-signers, reviews, assignments, deadlines, replies,
feedback, events), then, as the city's staff (who see the city and its counties):

* times each request of the table in ``MEASURES`` through Django's handler (the test
  client, DEBUG off, token or session auth as a client would use) ``--repeat`` times,
  alternating with the raw SQL that returns the same rows (``connection.cursor()``),
  and counts the queries of each request;
* the statistics for one year (``compute_dashboard``) next to the same aggregates in SQL,
  checking that the figures agree;
* starts gunicorn (``--workers`` sync workers, as the compose file runs it, DEBUG off) on
  127.0.0.1 and runs locust headless (``--users`` concurrent clients, ``--seconds`` each)
  against the list, the detail, a DRF view with token auth and a plain Django view;

prints a table and writes it as JSON (``--json``). This is a measurement, not a test.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import scratch, world
from benchmarks.scratch import load
from cppcc.counting import COUNT_CAP

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
YEAR_OFFSET = 1  # statistics for last year: a whole year of every state


def main() -> None:
    parser = scratch.parser(__doc__.splitlines()[0], "cppcc_bench_scale")
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each request")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=20, help="concurrent load-test clients")
    parser.add_argument("--seconds", type=int, default=15, help="load-test length per target")
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--json", default="", help="where to write the results (JSON)")
    scratch.run(parser.parse_args(), run)


# ---- what is measured ----------------------------------------------------------------------


@dataclass
class Row:
    what: str
    ours_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    queries: int = 0
    statements: int = 0
    rows: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.ours_ms)

    @property
    def raw_p50(self) -> float:
        return statistics.median(self.raw_ms)

    def summary(self) -> dict:
        return {
            "what": self.what,
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(percentile(self.ours_ms, 0.95), 1),
            "raw_p50_ms": round(self.raw_p50, 1),
            "ratio": round(self.p50 / self.raw_p50, 2) if self.raw_p50 else None,
            "queries": self.queries,
            "raw_statements": self.statements,
            "rows": self.rows,
            "note": self.note,
        }


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Request:
    """One request of the table and the raw SQL that returns the same rows."""

    what: str
    path: str
    raw: Callable[[], int]  # runs the SQL; returns how many rows the page shows
    api: bool = True


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    steps = world.build(args.proposals, args.seed, timezone.localdate())
    built = time.perf_counter() - started
    print(f"world: {world.describe_dataset()} — built in {built:.0f} s", flush=True)

    from members.models import ApiToken, User

    staff = User.objects.get(username="city-staff")
    token = ApiToken.objects.create(user=staff, key=ApiToken.new_key())
    raw = RawSQL.for_user(staff)
    sample = raw.sample_ids(random.Random(args.seed), args.repeat)
    requests = table(raw, sample)
    rows = [measure(request, staff, token.key, args.repeat) for request in requests]
    rows.append(measure_statistics(staff, args.repeat))
    print_rows(rows)
    load_rows = [] if args.no_load else load_test(args, token.key, sample)
    result = {
        "proposals": args.proposals,
        "machine": machine(),
        "postgresql": world.scalar("SHOW server_version"),
        "database": connection.settings_dict["NAME"],
        "built_seconds": round(built, 1),
        "build_steps": [[label, round(s, 1)] for label, s in steps],
        "requests": [r.summary() for r in rows],
        "load": [asdict(r) for r in load_rows],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    target = Path(args.json or f"scale-{args.proposals}.json")
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"\nJSON: {target}")


def table(raw: RawSQL, sample: list[int]) -> list[Request]:
    detail = sample[0]
    return [
        Request("API list, page of 50", "/api/v1/proposals/?page_size=50", lambda: raw.page(50)),
        Request(
            "API list, state=filed",
            "/api/v1/proposals/?page_size=50&state=filed",
            lambda: raw.page(50, "p.state = 'filed'"),
        ),
        Request(
            "API list, category=social",
            "/api/v1/proposals/?page_size=50&category=social",
            lambda: raw.page(50, "p.category = 'social'"),
        ),
        Request("API list, q=养老", "/api/v1/proposals/?page_size=50&q=养老", raw.search),
        Request("API detail", f"/api/v1/proposals/{detail}/", lambda: raw.detail(detail)),
        Request("HTML list (20 rows)", "/proposals/", lambda: raw.page(20), api=False),
        Request(
            "HTML list, state=filed",
            "/proposals/?state=filed",
            lambda: raw.page(20, "p.state = 'filed'"),
            api=False,
        ),
        Request("HTML detail", f"/proposals/{detail}/", lambda: raw.detail(detail), api=False),
    ]


def measure(request: Request, staff, token: str, repeat: int) -> Row:
    """``repeat`` rounds of (our request, the raw SQL), after one warm-up of each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if request.api:
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    else:
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
    row = Row(request.what)

    def ours():
        response = client.get(request.path)
        if response.status_code != 200:
            raise SystemExit(f"{request.path}: HTTP {response.status_code}")

    ours()
    with CaptureQueriesContext(connection) as captured:
        ours()
    row.queries = len(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        row.rows = request.raw()
    row.statements = len(captured.captured_queries)
    for _ in range(repeat):
        row.ours_ms.append(timed(ours))
        row.raw_ms.append(timed(request.raw))
    print(f"  {request.what}: {row.p50:.1f} ms vs SQL {row.raw_p50:.1f} ms", flush=True)
    return row


def measure_statistics(staff, repeat: int) -> Row:
    from django.utils import timezone

    from benchmarks import statistics_dashboard as dashboard_bench
    from proposals.reports.dashboard import figures, scope

    today = timezone.localdate()
    year = today.year - YEAR_OFFSET
    committees = scope.Scope.of(staff).committees
    params = dashboard_bench.params(staff, today) | dashboard_bench.year_bounds(year)
    row = Row(f"statistics for one year ({year}, all committees)")

    def ours():
        return figures.compute_dashboard(
            staff, committee=None, year=year, today=today, committees=committees
        )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        figures_now = ours()
    row.queries = len(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        raw_now = dashboard_bench.raw_sql(params)
    row.statements = len(captured.captured_queries)
    wrong = dashboard_bench.differences(dashboard_bench.orm_figures(figures_now), raw_now)
    row.note = f"figures differ: {wrong[:3]}" if wrong else "figures agree"
    for _ in range(max(3, repeat // 3)):
        row.ours_ms.append(timed(ours))
        row.raw_ms.append(timed(lambda: dashboard_bench.raw_sql(params)))
    print(f"  {row.what}: {row.p50:.1f} ms vs SQL {row.raw_p50:.1f} ms; {row.note}", flush=True)
    return row


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def print_rows(rows: list[Row]) -> None:
    print(
        f"\n{'what':<44}{'p50 ms':>9}{'p95 ms':>9}{'SQL p50':>9}{'ratio':>7}"
        f"{'queries':>9}{'SQL stmts':>10}"
    )
    for row in rows:
        s = row.summary()
        print(
            f"{s['what']:<44}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['raw_p50_ms']:>9.1f}"
            f"{s['ratio']:>7.2f}{s['queries']:>9}{s['raw_statements']:>10}"
        )


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_before": load(),
    }


# ---- the same rows by hand -----------------------------------------------------------------


class RawSQL:
    """Hand-written SQL for what each request shows, scoped as the staff user sees."""

    def __init__(self, committees: list[int], user_id: int) -> None:
        self.params = {"committees": committees, "user": user_id}
        # The staff user writes no proposals of their own: their committee's work.
        self.visible = "(p.committee_id = ANY(%(committees)s) AND p.state <> 'draft')"

    @classmethod
    def for_user(cls, user) -> RawSQL:
        from committees.scoping import committee_ids

        return cls(sorted(committee_ids(user)), user.pk)

    def _rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, self.params | (params or {}))
            return cursor.fetchall()

    def sample_ids(self, rng: random.Random, count: int) -> list[int]:
        ids = [
            r[0]
            for r in self._rows(
                f"SELECT p.id FROM proposals_proposal p WHERE {self.visible}"
                " AND p.state IN ('assigned', 'replied') ORDER BY p.id DESC LIMIT 2000"
            )
        ]
        return rng.sample(ids, min(count, len(ids)))

    # Counts stop past the cap, as the pages' and the API's do (``cppcc.counting``).
    COUNT = (
        "SELECT count(*) FROM (SELECT 1 FROM proposals_proposal p WHERE {where}"
        f" LIMIT {COUNT_CAP + 1}) AS capped"
    )

    PAGE = """
        SELECT p.id, p.number, p.title, p.state, p.category, p.source, p.kind, p.is_key,
          p.handling_round, p.version, p.submitted_at, p.filed_at, p.replied_at, p.closed_at,
          c.id, c.name, s.id, s.term, s.meeting, u.id, u.username, o.id, o.name,
          sec.id, sec.name
        FROM proposals_proposal p
        JOIN committees_committee c ON c.id = p.committee_id
        JOIN committees_session s ON s.id = p.session_id
        JOIN members_user u ON u.id = p.proposer_id
        LEFT JOIN committees_organization o ON o.id = p.organization_id
        LEFT JOIN committees_sector sec ON sec.id = p.sector_id
        WHERE {where} ORDER BY {order} LIMIT {size}"""

    def _related(self, ids: list[int]) -> None:
        """What a listed proposal shows besides its row (co-signers, units, due dates) and
        what its allowed actions are decided from."""
        self._rows(
            "SELECT x.proposal_id, x.status, m.id, m.name FROM proposals_cosigner x"
            " JOIN members_member m ON m.id = x.member_id WHERE x.proposal_id = ANY(%(ids)s)",
            {"ids": ids},
        )
        self._rows(
            "SELECT a.proposal_id, a.id, a.role, a.status, h.id, h.name,"
            " (SELECT d.due_date FROM proposals_deadline d WHERE d.assignment_id = a.id"
            "  AND d.kind IN ('reply', 'co_opinion') ORDER BY d.is_open DESC, d.due_date DESC"
            "  LIMIT 1)"
            " FROM proposals_assignment a JOIN committees_handlingunit h ON h.id = a.unit_id"
            " WHERE a.proposal_id = ANY(%(ids)s)",
            {"ids": ids},
        )
        # What the rows' allowed actions are decided from (the workflow's inputs).
        for sql in [
            "SELECT proposal_id, stage, decision FROM proposals_review"
            " WHERE proposal_id = ANY(%(ids)s) ORDER BY id",
            "SELECT proposal_id, user_id, round FROM proposals_feedback"
            " WHERE proposal_id = ANY(%(ids)s)",
            "SELECT proposal_id, user_id FROM proposals_proposal_supervisors"
            " WHERE proposal_id = ANY(%(ids)s)",
            "SELECT proposal_id, assignment_id, kind, due_date, is_open FROM proposals_deadline"
            " WHERE proposal_id = ANY(%(ids)s)",
            "SELECT m.merged_into_id, m.proposer_id, x.status, mm.user_id"
            " FROM proposals_proposal m LEFT JOIN proposals_cosigner x ON x.proposal_id = m.id"
            " LEFT JOIN members_member mm ON mm.id = x.member_id"
            " WHERE m.merged_into_id = ANY(%(ids)s)",
        ]:
            self._rows(sql, {"ids": ids})

    def page(self, size: int, condition: str = "TRUE") -> int:
        where = f"{self.visible} AND {condition}"
        self._rows(self.COUNT.format(where=where))
        page = self._rows(self.PAGE.format(where=where, order="p.id DESC", size=size))
        self._related([r[0] for r in page])
        return len(page)

    def search(self, text: str = "养老", size: int = 50) -> int:
        query = "to_tsquery('simple', %(q)s)"
        where = f"{self.visible} AND p.search_vector @@ {query}"
        params = {"q": text}
        self._rows(self.COUNT.format(where=where), params)
        order = f"ts_rank_cd(p.search_vector, {query}) DESC, p.id DESC"
        page = self._rows(self.PAGE.format(where=where, order=order, size=size), params)
        self._related([r[0] for r in page])
        return len(page)

    def detail(self, pk: int) -> int:
        """One proposal with everything its page shows."""
        one = {"pk": pk}
        self._rows(
            self.PAGE.format(
                where=f"{self.visible} AND p.id = %(pk)s", order="p.id", size=1
            ).replace("SELECT p.id,", "SELECT p.id, p.background, p.suggestions,"),
            one,
        )
        self._related([pk])
        for sql in [
            "SELECT * FROM proposals_review WHERE proposal_id = %(pk)s ORDER BY id",
            "SELECT * FROM proposals_deadline WHERE proposal_id = %(pk)s",
            "SELECT r.* FROM proposals_reply r JOIN proposals_assignment a"
            " ON a.id = r.assignment_id WHERE a.proposal_id = %(pk)s",
            "SELECT * FROM proposals_feedback WHERE proposal_id = %(pk)s",
            "SELECT * FROM proposals_attachment WHERE proposal_id = %(pk)s",
            "SELECT * FROM proposals_proposalevent WHERE proposal_id = %(pk)s ORDER BY id",
        ]:
            self._rows(sql, one)
        return 1


# ---- load --------------------------------------------------------------------------------


@dataclass
class LoadRow:
    what: str
    path: str
    requests_per_s: float
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    error: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_test(args, token: str, sample: list[int]) -> list[LoadRow]:
    """gunicorn with ``--workers`` sync workers, as production runs it, and locust
    headless against each target in turn."""
    from django.conf import settings

    port = free_port()
    env = os.environ | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "DEBUG": "0",
        "STATIC_ROOT": str(settings.STATIC_ROOT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:cppcc.gunicorn_conf", "cppcc.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(host)
        targets = [
            ("plain Django view (/healthz)", "/healthz"),
            ("DRF view, token auth (/api/v1/me/)", "/api/v1/me/"),
            ("API list, page of 50", "/api/v1/proposals/?page_size=50"),
            ("API detail", ",".join(f"/api/v1/proposals/{pk}/" for pk in sample)),
        ]
        rows = [locust(args, host, token, what, path) for what, path in targets]
    finally:
        server.terminate()
        server.wait(30)
    print(
        f"\nload: gunicorn {args.workers} sync workers, locust {args.users} users, "
        f"{args.seconds} s each, 127.0.0.1"
    )
    print(f"{'target':<40}{'req/s':>9}{'requests':>10}{'failures':>10}{'p50 ms':>8}{'p95 ms':>8}")
    for r in rows:
        print(
            f"{r.what:<40}{r.requests_per_s:>9.1f}{r.requests:>10}{r.failures:>10}"
            f"{r.p50_ms:>8.0f}{r.p95_ms:>8.0f}"
        )
    return rows


def wait_until_up(host: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz")


def locust(args, host: str, token: str, what: str, paths: str) -> LoadRow:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "stats")
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "--host", host, "-u", str(args.users), "-r", str(args.users),
                "-t", f"{args.seconds}s", "--csv", prefix, "--only-summary",
                "--loglevel", "ERROR",
            ],
            env=os.environ | {"BENCH_PATHS": paths, "BENCH_TOKEN": token},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv", newline="") as f:
            total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
        with open(f"{prefix}_failures.csv", newline="") as f:
            failure = next(csv.DictReader(f), None)
    row = LoadRow(
        what,
        paths.split(",")[0],
        float(total["Requests/s"]),
        int(total["Request Count"]),
        int(total["Failure Count"]),
        float(total["50%"]),
        float(total["95%"]),
        failure["Error"] if failure else "",
    )
    failures = f"{row.failures} failures {row.error}".strip()
    print(f"  load {what}: {row.requests_per_s:.0f} req/s, {failures}", flush=True)
    return row


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    main()
