"""Throughput and query count of the reminder sweep over many open assignments.

    .venv/bin/python -m benchmarks.reminder_sweep [--assignments 100000] [--batch-size 1000]
        [--today 2025-06-10] [--deliver 1000] [--tracemalloc] [--database cppcc_bench_reminders]
        [--keep]

Builds, on a scratch database (``benchmarks.scratch``: the guard runs before anything
touches a database), one committee with 78 handling units and ``--assignments`` proposals
in handling, each with one lead assignment, its open reply deadline and its reroute
window, written with ``bulk_create`` (not through the service layer, which would take
far too long) but consistent with what the services leave behind. Then, on a working
day, it empties the reminder outbox and runs ``proposals.reminders.sweep.sweep`` with a
dispatch that does nothing, and prints how long it took, how many queries each batch
cost, and the peak memory; runs it a second time (which must record nothing new); and
delivers a sample of the reminders with the in-memory e-mail and SMS backends.

This is a measurement, not a test: it asserts nothing and is not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime
import math
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field

from benchmarks import scratch
from benchmarks.scratch import load

DEFAULT_TODAY = "2025-06-10"  # a Tuesday, and a working day in China's 2025 calendar
COMMITTEE_CODE = "bench-reminders"
BULK_BATCH = 2000

# The shape of the data set besides the assignments themselves.
STAFF_USERS = 6
SUPERVISOR_USERS = 8
MEMBER_USERS = 600
KEY_SHARE = 0.03  # 重点提案, each with one or two supervising leaders
ASSIGNED_SPAN_DAYS = 165  # assignments spread over this many calendar days before today


# ---- command line and database --------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = scratch.parser(
        "Benchmark the reminder sweep (throughput, queries per batch, memory).",
        "cppcc_bench_reminders",
    )
    parser.add_argument("--assignments", type=int, default=100_000, help="open assignments")
    parser.add_argument("--batch-size", type=int, default=1000, help="sweep batch size")
    parser.add_argument("--today", default=DEFAULT_TODAY, help="the sweep's day (YYYY-MM-DD)")
    parser.add_argument("--deliver", type=int, default=1000, help="reminders to deliver")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--warm-days",
        type=int,
        default=0,
        help="sweep this many previous working days first (a steady-state day, not a first run)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also re-run the first sweep under tracemalloc for the Python heap peak",
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.today = datetime.date.fromisoformat(args.today)
    if args.assignments < 1 or args.batch_size < 1:
        parser.error("--assignments and --batch-size must be at least 1")
    return args


def setup_django(url: str) -> None:
    scratch.setup_django(url)
    from django.conf import settings

    # Delivery goes to memory: the benchmark measures our code, not a mail server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "proposals.reminders.sms.MemorySMSBackend"


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


# ---- the data set ---------------------------------------------------------------------------


@dataclass
class Built:
    users: int = 0
    proposals: int = 0
    key: int = 0
    deadlines: int = 0
    seconds: float = 0.0
    steps: list[tuple[str, float]] = field(default_factory=list)


def build(args: argparse.Namespace) -> Built:
    """Write the data set with ``bulk_create``; about a minute for 100k assignments."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from committees.models import Committee, HandlingUnit, RuleSet, Session
    from committees.workcalendar import WorkCalendar
    from demo import names
    from members.models import Member, User
    from members.roles import Role
    from proposals import deadlines as deadline_rules
    from proposals.choices import AssignmentStatus, DeadlineKind, Kind, Source, State, UnitRole
    from proposals.models import Assignment, Deadline, NumberSequence, Proposal

    started = time.perf_counter()
    built = Built()
    rng = random.Random(args.seed)
    today = args.today
    tz = timezone.get_default_timezone()

    def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    def person() -> str:
        return (
            rng.choice(names.SURNAMES)
            + rng.choice(names.GIVEN_FIRST)
            + rng.choice(names.GIVEN_SECOND)
        )

    def step(label: str, since: float) -> float:
        now = time.perf_counter()
        built.steps.append((label, now - since))
        return now

    mark = time.perf_counter()

    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
        missing = {r.value for r in Role} - set(groups)
        if missing:
            raise SystemExit(f"role groups missing (migrations not applied?): {sorted(missing)}")

        # Reference data: the committee, its session, its rules, its 78 units.
        committee = Committee.objects.create(
            code=COMMITTEE_CODE, name="基准测试市政协", short_name="基准市政协"
        )
        calendar = WorkCalendar.for_committee(committee.pk)
        first_day = today - datetime.timedelta(days=ASSIGNED_SPAN_DAYS)
        plenary_start = first_day - datetime.timedelta(days=30)
        session = Session.objects.create(
            committee=committee,
            term=14,
            meeting=4,
            plenary_start=plenary_start,
            plenary_end=plenary_start + datetime.timedelta(days=4),
        )
        rules = RuleSet.objects.create(committee=committee)
        units = HandlingUnit.objects.bulk_create(
            [
                HandlingUnit(committee=committee, code=code, name=name, kind=kind)
                for code, name, kind in names.CITY_UNITS
            ]
        )

        # People: a handler and a leader per unit, staff, supervising leaders, members.
        password = make_password(None)  # unusable; nobody logs in to a benchmark
        users: list[User] = []
        roles: list[str] = []

        def user(username: str, role: Role, **extra) -> User:
            index = len(users)
            users.append(
                User(
                    username=username,
                    password=password,
                    display_name=person(),
                    email=f"{username}@bench.example.cn",
                    phone=f"139{index:08d}",
                    committee=committee,
                    date_joined=at(plenary_start, 9),
                    **extra,
                )
            )
            roles.append(role.value)
            return users[-1]

        for unit in units:
            user(f"{unit.code}-handler", Role.UNIT, unit=unit, unit_position="handler")
            user(f"{unit.code}-leader", Role.UNIT, unit=unit, unit_position="leader")
        for i in range(1, STAFF_USERS + 1):
            user(f"staff{i:02d}", Role.STAFF)
        supervisors = [
            user(f"supervisor{i:02d}", Role.SUPERVISOR) for i in range(1, SUPERVISOR_USERS + 1)
        ]
        member_users = [user(f"m{i:04d}", Role.MEMBER) for i in range(1, MEMBER_USERS + 1)]
        User.objects.bulk_create(users, batch_size=BULK_BATCH)
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=u.pk, group_id=groups[role].pk)
                for u, role in zip(users, roles, strict=True)
            ],
            batch_size=BULK_BATCH,
        )
        Member.objects.bulk_create(
            [
                Member(
                    user=u,
                    committee=committee,
                    name=u.display_name,
                    number=f"{i:04d}",
                    phone=u.phone,
                    email=u.email,
                )
                for i, u in enumerate(member_users, start=1)
            ],
            batch_size=BULK_BATCH,
        )
        built.users = len(users)
        mark = step("reference data and users", mark)

        # Proposals in handling: assigned on a working day in the last ASSIGNED_SPAN_DAYS.
        workdays = [
            first_day + datetime.timedelta(days=d)
            for d in range(ASSIGNED_SPAN_DAYS)
            if calendar.is_workday(first_day + datetime.timedelta(days=d))
        ]
        stems = [
            (category, stem)
            for category, topics in names.TITLE_STEMS.items()
            for stems_of_topic in topics.values()
            for stem in stems_of_topic
        ]
        unit_weights = [rng.uniform(0.2, 3.0) for _ in units]
        plans = []
        proposals: list[Proposal] = []
        for seq in range(1, args.assignments + 1):
            assigned_on = rng.choice(workdays)
            unit = rng.choices(units, unit_weights)[0]
            category, stem = rng.choice(stems)
            filed_on = assigned_on - datetime.timedelta(days=rng.randint(1, 12))
            submitted_on = max(
                plenary_start, filed_on - datetime.timedelta(days=rng.randint(5, 20))
            )
            is_key = rng.random() < KEY_SHARE
            proposals.append(
                Proposal(
                    committee=committee,
                    session=session,
                    kind=Kind.PLENARY if submitted_on <= session.plenary_end else Kind.REGULAR,
                    title=f"关于{stem}的提案",
                    background="（基准测试数据）",
                    suggestions="（基准测试数据）",
                    category=category,
                    source=Source.MEMBER,
                    proposer=rng.choice(member_users),
                    state=State.ASSIGNED,
                    number=rules.number_format.format(
                        term=session.term, meeting=session.meeting, year=session.year, seq=seq
                    ),
                    sequence=seq,
                    is_key=is_key,
                    handling_round=1,
                    submitted_at=at(submitted_on, 10),
                    filed_at=at(filed_on, 15),
                )
            )
            plans.append((assigned_on, unit, is_key))
        Proposal.objects.bulk_create(proposals, batch_size=BULK_BATCH)
        NumberSequence.objects.create(session=session, last=args.assignments)
        through = Proposal.supervisors.through
        supervised = []
        for proposal, (_day, _unit, is_key) in zip(proposals, plans, strict=True):
            if is_key:
                built.key += 1
                for supervisor in rng.sample(supervisors, rng.choice((1, 1, 2))):
                    supervised.append(through(proposal_id=proposal.pk, user_id=supervisor.pk))
        through.objects.bulk_create(supervised, batch_size=BULK_BATCH)
        built.proposals = len(proposals)
        mark = step("proposals", mark)

        # One lead assignment each, as ``services.handling.assign`` makes it: a reroute
        # window (closed once the unit accepted) and a reply deadline from the same day.
        computed: dict[tuple[str, datetime.date], deadline_rules.Computed] = {}

        def due(rule_field: str, start: datetime.date) -> deadline_rules.Computed:
            if (rule_field, start) not in computed:
                computed[(rule_field, start)] = deadline_rules.compute(
                    calendar, rules, rule_field, start
                )
            return computed[(rule_field, start)]

        assignments: list[Assignment] = []
        windows: list[deadline_rules.Computed] = []
        for proposal, (assigned_on, unit, _key) in zip(proposals, plans, strict=True):
            window = due("reroute_window_workdays", assigned_on)
            # Within its window a unit may not have accepted yet; after it, it has.
            waiting = window.due_date >= today and rng.random() < 0.6
            accepted_on = min(
                assigned_on + datetime.timedelta(days=rng.randint(0, 4)),
                window.due_date,
                today - datetime.timedelta(days=1),
            )
            assignments.append(
                Assignment(
                    proposal=proposal,
                    unit=unit,
                    role=UnitRole.LEAD,
                    status=AssignmentStatus.ASSIGNED if waiting else AssignmentStatus.ACCEPTED,
                    assigned_on=assigned_on,
                    accepted_at=None if waiting else at(accepted_on, 11),
                )
            )
            windows.append(window)
        Assignment.objects.bulk_create(assignments, batch_size=BULK_BATCH)
        mark = step("assignments", mark)

        rows: list[Deadline] = []
        for assignment, window in zip(assignments, windows, strict=True):
            start = assignment.assigned_on
            waiting = assignment.status == AssignmentStatus.ASSIGNED
            reply = due("reply_months", start)
            for kind, result, is_open in (
                (DeadlineKind.REROUTE_WINDOW, window, waiting),
                (DeadlineKind.REPLY, reply, True),
            ):
                rows.append(
                    Deadline(
                        proposal_id=assignment.proposal_id,
                        assignment=assignment,
                        kind=kind,
                        start_date=start,
                        due_date=result.due_date,
                        rule=result.rule,
                        computation=result.computation,
                        is_open=is_open,
                        met_at=None if is_open else assignment.accepted_at,
                    )
                )
        Deadline.objects.bulk_create(rows, batch_size=BULK_BATCH)
        built.deadlines = len(rows)
        mark = step("deadlines", mark)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    step("analyze", mark)
    built.seconds = time.perf_counter() - started
    return built


def build_in_child(args: argparse.Namespace) -> None:
    """Build in a separate process, so this one's peak memory is the sweep's alone."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.reminder_sweep",
        "--build-only",
        f"--assignments={args.assignments}",
        f"--database={args.database}",
        f"--server={args.server}",
        f"--today={args.today.isoformat()}",
        f"--seed={args.seed}",
    ]
    subprocess.run(command, check=True)


# ---- measuring ------------------------------------------------------------------------------

STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?([a-z0-9_]+)"?', re.IGNORECASE)


@dataclass
class Query:
    started: float
    seconds: float
    statement: str
    table: str

    @property
    def label(self) -> str:
        return f"{self.statement} {self.table}"


class QueryLog:
    """Records every query the connection runs (an ``execute_wrapper``, whatever DEBUG says).

    Unlike ``CaptureQueriesContext`` it keeps only the statement and table, not the
    SQL text: a sweep's multi-row INSERTs add up to tens of megabytes of SQL, which
    would swell the peak memory being measured (and its log is capped at 9000 entries).
    """

    def __init__(self) -> None:
        self.queries: list[Query] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statement = STATEMENT.match(sql)
            table = TABLE.search(sql)  # the first FROM/INTO: early even in a long INSERT
            self.queries.append(
                Query(
                    started,
                    time.perf_counter() - started,
                    statement.group(1).upper() if statement else sql.split(None, 1)[0].upper(),
                    table.group(1) if table else "?",
                )
            )

    @property
    def db_seconds(self) -> float:
        return sum(q.seconds for q in self.queries)


@dataclass
class Batches:
    """The query log cut at each read of ``proposals_deadline`` (one per batch)."""

    setup: list[Query]
    batches: list[list[Query]]
    tail: list[Query]  # the last, empty keyset read and the co-signature pass

    @classmethod
    def split(cls, queries: list[Query], expected: int) -> Batches:
        starts = [
            i
            for i, q in enumerate(queries)
            if q.statement == "SELECT" and q.table == "proposals_deadline"
        ]
        if not starts:
            return cls(queries, [], [])
        segments = [
            queries[start:end]
            for start, end in zip(starts, [*starts[1:], len(queries)], strict=True)
        ]
        # The segment of the last real batch runs into the co-signature pass: cut it
        # at the first query on another subject.
        batches = segments[:expected]
        tail = [q for segment in segments[expected:] for q in segment]
        if batches:
            last = batches[-1]
            cut = next(
                (i for i, q in enumerate(last) if i and q.table == "proposals_cosigner"),
                len(last),
            )
            batches[-1], tail = last[:cut], last[cut:] + tail
        return cls(queries[: starts[0]], batches, tail)

    def counts(self) -> list[int]:
        return [len(b) for b in self.batches]

    def seconds(self) -> list[float]:
        """Wall time of each batch, from its read to the next batch's read."""
        starts = [b[0].started for b in self.batches]
        ends = [*starts[1:], self.batches[-1][-1].started + self.batches[-1][-1].seconds]
        return [end - start for start, end in zip(starts, ends, strict=True)]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def clear_outbox() -> int:
    """Empty the outbox (and the notifications delivery wrote); returns rows removed."""
    from django.db import connection

    from proposals.models import Reminder

    removed = Reminder.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE proposals_reminder, proposals_notification")
    return removed


@dataclass
class Run:
    result: object
    seconds: float
    cpu: float  # this process's CPU time: less sensitive to a busy machine than wall time
    log: QueryLog


def timed_sweep(today: datetime.date, batch_size: int) -> Run:
    from django.db import connection

    from proposals.reminders.sweep import sweep

    log = QueryLog()
    with connection.execute_wrapper(log):
        started, cpu = time.perf_counter(), time.process_time()
        result = sweep(today, dispatch=lambda ids: None, batch_size=batch_size)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run(result, seconds, cpu, log)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def spread(values: list[int]) -> str:
    counts = Counter(values)
    return ", ".join(f"{n} queries × {c}" for n, c in sorted(counts.items()))


# ---- the report -----------------------------------------------------------------------------


def describe_dataset(today: datetime.date) -> None:
    from django.db.models import Count, Max, Min

    from committees.models import Committee, HandlingUnit
    from committees.workcalendar import WorkCalendar
    from members.models import Member, User
    from members.roles import Role
    from proposals.choices import AssignmentStatus, DeadlineKind
    from proposals.models import Assignment, Deadline, Proposal

    committee = Committee.objects.get(code=COMMITTEE_CODE)
    open_by_kind = dict(
        Deadline.objects.filter(is_open=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    closed = Deadline.objects.filter(is_open=False).count()
    reply = Deadline.objects.filter(kind=DeadlineKind.REPLY, is_open=True)
    span = reply.aggregate(first=Min("due_date"), last=Max("due_date"))
    calendar = WorkCalendar.for_committee(committee.pk)
    overdue = reply.filter(due_date__lt=today).count()
    total_reply = open_by_kind.get(DeadlineKind.REPLY, 0)
    waiting = Assignment.objects.filter(status=AssignmentStatus.ASSIGNED).count()
    print(
        f"data: 1 committee, {HandlingUnit.objects.count()} units "
        f"({User.objects.filter(unit__isnull=False).count()} handler/leader accounts), "
        f"{User.objects.filter(groups__name=Role.STAFF).count()} staff, "
        f"{User.objects.filter(groups__name=Role.SUPERVISOR).count()} supervisors, "
        f"{Member.objects.count()} members"
    )
    print(
        f"      {Proposal.objects.count()} proposals in handling "
        f"({Proposal.objects.filter(is_key=True).count()} key), "
        f"{Assignment.objects.count()} lead assignments ({waiting} not yet accepted)"
    )
    print(
        f"      open deadlines: {total_reply} reply + "
        f"{open_by_kind.get(DeadlineKind.REROUTE_WINDOW, 0)} reroute_window "
        f"(+ {closed} closed); reply due {span['first']} … {span['last']} = "
        f"{calendar.workdays_between(today, span['first']):+d} … "
        f"{calendar.workdays_between(today, span['last']):+d} working days from today, "
        f"{overdue / max(total_reply, 1):.0%} overdue"
    )


def report_sweep(
    run: Run, open_deadlines: int, batch_size: int, rss_before: float, warmed: bool
) -> None:
    from django.db.models import Count

    from proposals.models import Reminder

    result = run.result
    expected = math.ceil(open_deadlines / batch_size) if open_deadlines else 0
    split = Batches.split(run.log.queries, expected)
    counts = split.counts()
    total = len(run.log.queries)
    per_batch = (total - len(split.setup) - len(split.tail)) / max(len(counts), 1)
    typical = statistics.mode(counts) if counts else 0
    print(
        f"sweep: {result.scanned} deadlines in {run.seconds:.2f} s "
        f"({result.scanned / run.seconds:,.0f}/s), {result.batches} batches of {batch_size}, "
        f"{typical} queries per batch (min {min(counts, default=0)}, "
        f"max {max(counts, default=0)}), {result.recorded} reminders recorded"
    )
    print(
        f"  time: {run.seconds:.2f} s wall = {run.log.db_seconds:.2f} s waiting for queries "
        f"(sending, server, fetching) + {run.seconds - run.log.db_seconds:.2f} s in Python; "
        f"Python process CPU {run.cpu:.2f} s; {load()}"
    )
    print(
        f"  queries: {total} in all = {len(split.setup)} set-up "
        f"+ {sum(counts)} in {len(counts)} batches ({per_batch:.2f} per batch) "
        f"+ {len(split.tail)} closing (empty keyset read, co-signature pass)"
    )
    print(f"  per-batch counts: {spread(counts)}")
    shapes = [tuple(sorted(Counter(q.label for q in batch).items())) for batch in split.batches]
    if shapes:
        usual = Counter(shapes).most_common(1)[0][0]
        print("  a batch: " + ", ".join(f"{n} × {label}" for label, n in usual))
        for index, shape in enumerate(shapes, start=1):
            if shape != usual:
                more = Counter(dict(shape)) - Counter(dict(usual))
                fewer = Counter(dict(usual)) - Counter(dict(shape))
                print(
                    f"    batch {index}: "
                    + ", ".join(
                        [f"+{n} × {label}" for label, n in more.items()]
                        + [f"-{n} × {label}" for label, n in fewer.items()]
                    )
                )
    print("  set-up: " + ", ".join(q.label for q in split.setup))
    if counts:
        times = split.seconds()
        print(
            f"  batch time: median {ms(statistics.median(times))}, "
            f"min {ms(min(times))}, max {ms(max(times))}"
        )
    rss_after = maxrss_mb()
    print(
        f"  memory: peak RSS {rss_after:.0f} MB "
        f"(+{max(rss_after - rss_before, 0):.0f} MB over {rss_before:.0f} MB before the sweep"
        + (", which includes the warm-up sweeps)" if warmed else ")")
    )
    today = result.today
    todays = Reminder.objects.filter(for_date=today)
    by_threshold: Counter[str] = Counter()
    by_audience: Counter[str] = Counter()
    rows = todays.values_list("threshold", "audience").annotate(n=Count("pk"))
    for threshold, audience, n in rows:
        by_threshold[threshold.split(":")[0]] += n
        by_audience[audience] += n
    per_deadline = dict(
        todays.values_list("deadline_id").annotate(n=Count("pk")).values_list("deadline_id", "n")
    )
    print(
        f"  reminders: {len(per_deadline)} deadlines reminded "
        f"({len(per_deadline) / max(result.scanned, 1):.1%}); by threshold "
        + ", ".join(f"{k} {v}" for k, v in by_threshold.most_common())
        + "; by audience "
        + ", ".join(f"{k} {v}" for k, v in by_audience.most_common())
    )
    scanned = list(swept_deadlines().values_list("pk", flat=True))
    per_batch_rows = [
        sum(per_deadline.get(pk, 0) for pk in scanned[i : i + batch_size])
        for i in range(0, len(scanned), batch_size)
    ]
    if per_batch_rows:
        print(
            f"  reminders per batch: median {statistics.median(per_batch_rows):.0f}, "
            f"max {max(per_batch_rows)} (one INSERT per batch on PostgreSQL)"
        )


def swept_deadlines():
    """The deadlines the sweep reads, in its order."""
    from proposals.choices import DeadlineKind
    from proposals.models import Deadline

    return Deadline.objects.filter(is_open=True, kind__in=DeadlineKind.values).order_by("pk")


def warm_up(today: datetime.date, days: int, batch_size: int, calendar) -> None:
    """Sweep the previous working days and mark their reminders sent, so the measured
    sweep sees an ordinary day instead of a first run catching up on every threshold."""
    from django.utils import timezone

    from proposals.choices import ReminderStatus
    from proposals.models import Reminder
    from proposals.reminders.sweep import sweep

    previous: list[datetime.date] = []
    day = today
    while len(previous) < days:
        day -= datetime.timedelta(days=1)
        if calendar.is_workday(day):
            previous.append(day)
    started = time.perf_counter()
    recorded = 0
    for day in reversed(previous):
        recorded += sweep(day, dispatch=lambda ids: None, batch_size=batch_size).recorded
    Reminder.objects.filter(status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENT, sent_at=timezone.now()
    )
    print(
        f"warm-up: swept {', '.join(str(d) for d in reversed(previous))} first "
        f"({recorded} reminders, marked sent) in {time.perf_counter() - started:.1f} s, "
        "so the measured sweep sees an ordinary day"
    )


def report_rerun(run: Run) -> None:
    result = run.result
    verdict = "idempotent" if result.recorded == 0 else "NOT IDEMPOTENT"
    print(
        f"rerun: {result.recorded} new reminders ({verdict}) in {run.seconds:.2f} s "
        f"(CPU {run.cpu:.2f} s), "
        f"{len(run.log.queries)} queries; {result.leftovers} pending reminders from the "
        f"first sweep handed over again (its no-op dispatch delivered nothing), "
        f"{result.dispatched} ids dispatched in all"
    )


def deliver_sample(today: datetime.date, size: int) -> None:
    from django.core import mail
    from django.db import connection

    from proposals.choices import ReminderStatus
    from proposals.models import Reminder
    from proposals.reminders.delivery import deliver_many
    from proposals.reminders.sms import MemorySMSBackend

    ids = list(
        Reminder.objects.filter(for_date=today, status=ReminderStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        print("delivery: nothing to deliver")
        return
    mail.outbox = []
    MemorySMSBackend.outbox.clear()
    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        outcomes = deliver_many(ids)
        seconds = time.perf_counter() - started
    kinds = ", ".join(
        f"{n} × {label}" for label, n in Counter(q.label for q in log.queries).most_common()
    )
    print(
        f"delivery: {len(ids)} reminders in {seconds:.2f} s ({len(ids) / seconds:,.0f}/s), "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + f"; {len(mail.outbox)} e-mails, {len(MemorySMSBackend.outbox)} SMS "
        f"(locmem e-mail, in-memory SMS); {len(log.queries) / len(ids):.1f} queries "
        f"per reminder ({kinds})"
    )
    mail.outbox = []
    MemorySMSBackend.outbox.clear()


def heap_peak(today: datetime.date, batch_size: int) -> None:
    """Re-run the first sweep under tracemalloc (slower) for the Python heap peak."""
    clear_outbox()
    tracemalloc.start()
    run = timed_sweep(today, batch_size)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"tracemalloc: Python heap peak {peak / 2**20:.1f} MB during a fresh sweep "
        f"({run.result.recorded} reminders; {run.seconds:.2f} s under tracing)"
    )


# ---- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.build_only:  # the parent made the scratch database; refuse any other
        setup_django(scratch.existing(args.database, args.server))
        built = build(args)
        steps = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in built.steps)
        print(
            f"data: built {built.proposals} proposals ({built.key} key), "
            f"{built.deadlines} deadlines, {built.users} users in {built.seconds:.1f} s ({steps})"
        )
        return

    url = scratch.create(args.database, args.server)
    try:
        setup_django(url)
        measure(args)
    finally:
        if not args.keep:
            scratch.drop(args.database, args.server)


def measure(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from committees.models import Committee
    from committees.workcalendar import WorkCalendar

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(
        f"reminder sweep benchmark: PostgreSQL {server_version()} "
        f"({connection.settings_dict['NAME']}), "
        f"Django {__import__('django').get_version()}, Python {platform.python_version()}; "
        f"migrated in {time.perf_counter() - started:.1f} s; {load()}"
    )
    build_in_child(args)
    connection.close()  # the child wrote everything; start from a fresh connection
    describe_dataset(args.today)

    removed = clear_outbox()
    open_deadlines = swept_deadlines().count()
    calendar = WorkCalendar.for_committee(Committee.objects.get(code=COMMITTEE_CODE).pk)
    workday = calendar.is_workday(args.today)
    print(
        f"today: {args.today} ({args.today:%A}, {'a working day' if workday else 'A DAY OFF'}); "
        f"outbox emptied ({removed} reminders from an earlier run removed)"
    )
    if args.warm_days:
        warm_up(args.today, args.warm_days, args.batch_size, calendar)

    rss_before = maxrss_mb()
    first = timed_sweep(args.today, args.batch_size)
    report_sweep(first, open_deadlines, args.batch_size, rss_before, bool(args.warm_days))
    report_rerun(timed_sweep(args.today, args.batch_size))
    deliver_sample(args.today, args.deliver)
    if args.tracemalloc:
        heap_peak(args.today, args.batch_size)


if __name__ == "__main__":
    main()
