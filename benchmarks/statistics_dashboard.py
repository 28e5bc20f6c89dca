"""The statistics dashboard over a million proposals, next to hand-written SQL.

    .venv/bin/python benchmarks/statistics_dashboard.py [--proposals 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/cppcc_bench_stats]
        [--repeat 3] [--rebuild] [--drop]

Builds (or reuses) a city committee with ten county committees, five sessions each, and
``--proposals`` proposals in every state with their assignments (lead, co-handling,
separate, re-routed), deadlines (some overdue, some extended by rehandling), reply
letters of classes A/B/C (some late, some in a second round) and the proposers'
feedback — written by ``INSERT … SELECT generate_series`` in SQL, not through the
service layer, which would take days. The distributions follow the Taiyuan figures
(about 85 % filed, categories 29/8/12/44/7 %, a quarter collective) so that every
aggregate has work to do.

Then, in ``--repeat`` rounds that each run every measurement once (the best counts), it
times

* the dashboard's computation — ``dashboard.figures.compute_dashboard``, the function the
  page calls — as the city's staff over everything (city and counties), with the number
  of queries;
* one full ``GET /statistics/?committee=all`` through Django's test client, logged in as
  that staff member (and the default page, the city alone);
* hand-written SQL for the same aggregates through ``connection.cursor()``;

checks that both give the same figures and prints the lot. This is a measurement, not a
test: pytest does not collect it. The database is created when missing and reused when
it holds this data set; it refuses to touch a database holding other committees.
``--drop`` drops the database at the end.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import (  # noqa: E402
    drop_database,
    ensure_database,
    guard_database,
    load,
    migrate,
    setup_django,
    wipe,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cppcc_bench_stats"
CODE_PREFIX = "bench-stats-"
CITY_CODE = f"{CODE_PREFIX}city"
DATASET_ACTION = "benchmark_dataset"
DATASET_VERSION = 1
COUNTIES = 10
SESSIONS = 5  # one a year, the newest this year
COUNTY_UNITS = 30
PROPOSERS = 300  # users per committee who propose
CITY_SHARE = 0.4  # of the proposals

# (state, weight): the older sessions are mostly done; the newest is in full swing.
OLD_STATES = [
    ("draft", 0.5),
    ("withdrawn", 1),
    ("declined", 10),
    ("merged", 4),
    ("transferred", 0.5),
    ("filed", 0.3),
    ("assigned", 1.5),
    ("replied", 2),
    ("rehandling", 0.4),
    ("closed", 79.8),
]
NEW_STATES = [
    ("draft", 3),
    ("submitted", 3),
    ("under_review", 4),
    ("returned", 1),
    ("withdrawn", 1),
    ("declined", 9),
    ("merged", 3),
    ("transferred", 0.5),
    ("filed", 4),
    ("assigned", 25),
    ("replied", 15),
    ("rehandling", 1.5),
    ("closed", 30),
]
CATEGORIES = [
    ("economic", 29),
    ("political", 8),
    ("cultural", 12),
    ("social", 44),
    ("ecological", 7),
]
REPLY_CLASSES = [("A", 45), ("B", 40), ("C", 15)]
COMMUNICATION = [("satisfied", 80), ("basically_satisfied", 17), ("dissatisfied", 3)]
RESULT = [("satisfied", 64), ("basically_satisfied", 29), ("dissatisfied", 7)]
HANDLED = ("assigned", "replied", "rehandling", "closed")
NUMBERED = ("filed", *HANDLED)


# ---- command line and database --------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the statistics dashboard against raw SQL over many proposals."
    )
    parser.add_argument("--proposals", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    if args.proposals < 1000 or args.repeat < 1:
        parser.error("--proposals must be at least 1000 and --repeat at least 1")
    return args


def scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# ---- the data set ---------------------------------------------------------------------------


def marker(args: argparse.Namespace, year: int) -> dict:
    return {
        "version": DATASET_VERSION,
        "proposals": args.proposals,
        "seed": args.seed,
        "year": year,
    }


def dataset_matches(args: argparse.Namespace, year: int) -> bool:
    from committees.models import CommitteeEvent
    from proposals.models import Proposal

    event = CommitteeEvent.objects.filter(action=DATASET_ACTION, committee__code=CITY_CODE).first()
    return (
        event is not None
        and event.data == marker(args, year)
        and Proposal.objects.count() == args.proposals
    )


def pick(expression: str, weighted: list[tuple[str, float]]) -> str:
    """SQL choosing a value by cumulative weight from ``expression`` in [0, 1)."""
    total = sum(w for _v, w in weighted)
    parts, running = [], 0.0
    for value, weight in weighted[:-1]:
        running += weight / total
        parts.append(f"WHEN {expression} < {running:.6f} THEN '{value}'")
    return f"(CASE {' '.join(parts)} ELSE '{weighted[-1][0]}' END)"


def reference_data(today: datetime.date) -> None:
    """Committees, sessions, rules, sectors, organizations, units and users (ORM, small)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from committees.models import (
        Committee,
        HandlingUnit,
        Organization,
        RuleSet,
        Sector,
        Session,
    )
    from demo import names
    from members.models import User
    from members.roles import Role

    city = Committee.objects.create(code=CITY_CODE, name="基准市政协", short_name="基准市")
    counties = [
        Committee.objects.create(
            code=f"{CODE_PREFIX}c{i:02d}",
            name=f"基准{i:02d}区政协",
            short_name=f"基准{i:02d}区",
            level=Committee.Level.COUNTY,
            parent=city,
        )
        for i in range(1, COUNTIES + 1)
    ]
    password = make_password(None)
    users, roles = [], []
    for committee in [city, *counties]:
        RuleSet.objects.create(committee=committee)
        Session.objects.bulk_create(
            Session(
                committee=committee,
                term=15,
                meeting=k + 1,
                plenary_start=datetime.date(today.year - SESSIONS + 1 + k, 1, 10),
                plenary_end=datetime.date(today.year - SESSIONS + 1 + k, 1, 14),
            )
            for k in range(SESSIONS)
        )
        Sector.objects.bulk_create(
            Sector(committee=committee, code=code, name=name) for code, name in names.SECTORS
        )
        prefix = "" if committee is city else committee.short_name
        Organization.objects.bulk_create(
            Organization(committee=committee, name=f"{prefix}{name}", kind=kind)
            for name, kind, _sector in names.CITY_ORGANIZATIONS[: None if not prefix else 8]
        )
        units = names.CITY_UNITS if committee is city else names.CITY_UNITS[:COUNTY_UNITS]
        HandlingUnit.objects.bulk_create(
            HandlingUnit(committee=committee, code=code, name=f"{prefix}{name}", kind=kind)
            for code, name, kind in units
        )
        code = committee.code.removeprefix(CODE_PREFIX)
        for username, role in [(f"{code}-staff", Role.STAFF), (f"{code}-leader", Role.SUPERVISOR)]:
            users.append(User(username=username, password=password, committee=committee))
            roles.append(role)
        for i in range(PROPOSERS):
            users.append(User(username=f"{code}-m{i:03d}", password=password, committee=committee))
            roles.append(Role.MEMBER)
    User.objects.bulk_create(users, batch_size=2000)
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=u.pk, group_id=groups[r.value].pk)
            for u, r in zip(users, roles, strict=True)
        ],
        batch_size=2000,
    )


def build(args: argparse.Namespace, today: datetime.date) -> list[tuple[str, float]]:
    """The data set: reference data by the ORM, everything per proposal in SQL."""
    from django.db import connection, transaction

    from committees.models import Committee, CommitteeEvent

    steps: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def step(label: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        steps.append((label, now - mark))
        print(f"  built {label} in {now - mark:.1f} s", flush=True)
        mark = now

    guard_database(code__startswith=CODE_PREFIX)
    wipe()
    with transaction.atomic():
        reference_data(today)
        step("reference data")
        newest = datetime.date(today.year, 1, 10)
        newest_days = max(10, min(355, (today - newest).days - 20))
        seed = args.seed
        rand = f"pg_temp.bench_rand(%s, {seed} * 100 + %s)"

        def r(column: str, salt: int) -> str:
            return rand % (column, salt)

        statements = [
            # A repeatable pseudo-random number in [0, 1) per (id, salt).
            """CREATE FUNCTION pg_temp.bench_rand(id bigint, salt int) RETURNS float8
               LANGUAGE sql IMMUTABLE AS
               $$ SELECT (hashtextextended(id::text, salt) & 2147483647)::float8
                         / 2147483648.0 $$""",
            # Numbered lookup tables: committee → its sessions, sectors, users, units …
            f"""CREATE TEMP TABLE bc AS
                SELECT row_number() OVER (ORDER BY level, code) - 1 AS idx, id,
                  (SELECT count(*) FROM committees_handlingunit u
                    WHERE u.committee_id = c.id) AS n_unit,
                  (SELECT count(*) FROM committees_organization o
                    WHERE o.committee_id = c.id) AS n_org
                FROM committees_committee c WHERE code LIKE '{CODE_PREFIX}%'""",
            """CREATE TEMP TABLE bs AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY s.committee_id ORDER BY s.meeting) - 1 AS k, s.id, s.plenary_start
               FROM committees_session s JOIN bc ON bc.id = s.committee_id""",
            """CREATE TEMP TABLE bsec AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY s.committee_id ORDER BY s.code) - 1 AS k, s.id
               FROM committees_sector s JOIN bc ON bc.id = s.committee_id""",
            """CREATE TEMP TABLE borg AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY o.committee_id ORDER BY o.id) - 1 AS k, o.id
               FROM committees_organization o JOIN bc ON bc.id = o.committee_id""",
            """CREATE TEMP TABLE bunit AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY u.committee_id ORDER BY u.id) - 1 AS k, u.id
               FROM committees_handlingunit u JOIN bc ON bc.id = u.committee_id""",
            """CREATE TEMP TABLE buser AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY u.committee_id ORDER BY u.id) - 1 AS k, u.id
               FROM members_user u JOIN bc ON bc.id = u.committee_id
               WHERE u.username LIKE '%-m%'""",
        ]
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("SELECT id FROM members_user WHERE username = 'city-staff'")
            staff_id = cursor.fetchone()[0]

            # Proposals. g: the random draws of each; p: what they become.
            cursor.execute(
                f"""
                CREATE TEMP TABLE g AS
                SELECT i,
                  CASE WHEN {r("i", 1)} < {CITY_SHARE} THEN 0
                       ELSE 1 + floor({r("i", 2)} * {COUNTIES})::int END AS cidx,
                  floor({r("i", 3)} * {SESSIONS})::int AS sk,
                  {r("i", 4)} AS r_state, {r("i", 5)} AS r_cat, {r("i", 6)} AS r_src,
                  {r("i", 7)} AS r_kind, {r("i", 8)} AS r_day, {r("i", 9)} AS r_who,
                  {r("i", 10)} AS r_key, {r("i", 11)} AS r_round, {r("i", 12)} AS r_org
                FROM generate_series(1, %s) AS i
                """,
                [args.proposals],
            )
            old_state = pick("g.r_state", OLD_STATES)
            new_state = pick("g.r_state", NEW_STATES)
            cursor.execute(
                f"""
                CREATE TEMP TABLE gp AS
                SELECT g.*, bc.id AS committee_id, bs.id AS session_id,
                  CASE WHEN g.sk = {SESSIONS - 1} THEN {new_state} ELSE {old_state} END AS state,
                  CASE WHEN g.r_kind < 0.7 THEN floor(g.r_day * 5)::int
                       ELSE 5 + floor(g.r_day * (CASE WHEN g.sk = {SESSIONS - 1}
                                                 THEN {newest_days} ELSE 355 END))::int
                  END AS day, bs.plenary_start,
                  (g.r_src < 0.25) AS collective,
                  bu.id AS proposer_id, bsec.id AS sector_id, borg.id AS organization_id
                FROM g
                JOIN bc ON bc.idx = g.cidx
                JOIN bs ON bs.idx = g.cidx AND bs.k = g.sk
                JOIN buser bu ON bu.idx = g.cidx AND bu.k = floor(g.r_who * {PROPOSERS})::int
                JOIN bsec ON bsec.idx = g.cidx AND bsec.k = floor(g.r_who * 21)::int
                JOIN borg ON borg.idx = g.cidx AND borg.k = floor(g.r_org * bc.n_org)::int
                """
            )
            numbered = ", ".join(f"'{s}'" for s in NUMBERED)
            at_day = "((gp.plenary_start + gp.day) + time '{h}') AT TIME ZONE 'Asia/Shanghai'"
            submitted = at_day.format(h="10:00")
            cursor.execute(
                f"""
                INSERT INTO proposals_proposal (
                  kind, title, background, suggestions, category, source, state, number,
                  sequence, is_key, decline_ground, decline_note, handling_round, version,
                  created_at, updated_at, submitted_at, filed_at, replied_at, closed_at,
                  committee_id, forwarded_to_id, merged_into_id, organization_id,
                  proposer_id, sector_id, session_id, topic_id, transferred_from_id)
                SELECT
                  CASE WHEN gp.r_kind < 0.7 THEN 'plenary' ELSE 'regular' END,
                  '关于基准测试第' || gp.i || '号事项的提案', '', '',
                  {pick("gp.r_cat", CATEGORIES)},
                  CASE WHEN gp.collective THEN 'collective' ELSE 'member' END,
                  gp.state,
                  CASE WHEN gp.state IN ({numbered})
                         OR (gp.state = 'merged' AND gp.r_round < 0.5)
                       THEN 'B' || gp.cidx || '-' || gp.i ELSE '' END,
                  NULL, gp.r_key < 0.03, '', '',
                  CASE WHEN gp.state = 'rehandling'
                         OR (gp.state = 'closed' AND gp.r_round < 0.08) THEN 2
                       WHEN gp.state IN ('assigned', 'replied', 'closed') THEN 1 ELSE 0 END,
                  1, {submitted}, {submitted},
                  CASE WHEN gp.state = 'draft' THEN NULL ELSE {submitted} END,
                  CASE WHEN gp.state IN ({numbered}) THEN {at_day.format(h="15:00")}
                       + interval '20 days' END,
                  NULL, NULL,
                  gp.committee_id, NULL, NULL,
                  CASE WHEN gp.collective THEN gp.organization_id END,
                  gp.proposer_id,
                  CASE WHEN gp.collective THEN NULL ELSE gp.sector_id END,
                  gp.session_id, NULL, NULL
                FROM gp ORDER BY gp.i
                """
            )
            step(f"{args.proposals} proposals")

            # Assignments: a lead (or two separate units), a co-unit for 30 %, a re-routed
            # one for 3 %. Units are skewed: a few departments get most of the work.
            handled = ", ".join(f"'{s}'" for s in HANDLED)
            cursor.execute(
                f"""
                CREATE TEMP TABLE hp AS
                SELECT p.id, p.state, p.handling_round, bc.idx, bc.n_unit,
                  (p.filed_at AT TIME ZONE 'Asia/Shanghai')::date + 3 AS assigned_on,
                  {r("p.id", 20)} AS r_role, {r("p.id", 21)} AS r_unit,
                  {r("p.id", 22)} AS r_co, {r("p.id", 23)} AS r_status,
                  {r("p.id", 24)} AS r_late, {r("p.id", 25)} AS r_class
                FROM proposals_proposal p JOIN bc ON bc.id = p.committee_id
                WHERE p.state IN ({handled})
                """
            )
            cursor.execute("CREATE INDEX ON hp (id)")
            # unit k: power-skewed; a second unit: another one, never the same.
            lead_k = "floor(power(hp.r_unit, 2.5) * hp.n_unit)::int"
            other_k = f"(({lead_k}) + 1 + floor(hp.r_co * (hp.n_unit - 1))::int) % hp.n_unit::int"
            third_k = (
                f"(({lead_k}) + 1 + floor(hp.r_status * (hp.n_unit - 1))::int) % hp.n_unit::int"
            )
            active = f"""CASE
                WHEN hp.state = 'assigned' THEN {
                pick("hp.r_status", [("assigned", 20), ("accepted", 75), ("reroute_requested", 5)])
            }
                WHEN hp.state = 'rehandling' THEN 'accepted'
                ELSE 'replied' END"""
            co_status = """CASE WHEN hp.state = 'assigned' AND hp.r_status < 0.5
                THEN 'accepted' ELSE 'opinion_given' END"""
            accepted = (
                "CASE WHEN {status} = 'assigned' THEN NULL ELSE "
                "((hp.assigned_on + 2) + time '11:00') AT TIME ZONE 'Asia/Shanghai' END"
            )
            created = "((hp.assigned_on) + time '09:00') AT TIME ZONE 'Asia/Shanghai'"
            columns = (
                "role, status, assigned_on, accepted_at, created_at, replaces_id, unit_id, "
                "proposal_id"
            )
            for role, status, unit_k, condition in [
                ("lead", active, lead_k, "hp.r_role >= 0.1"),
                ("separate", active, lead_k, "hp.r_role < 0.1"),
                ("separate", active, other_k, "hp.r_role < 0.1"),
                ("co", co_status, other_k, "hp.r_role >= 0.1 AND hp.r_co < 0.3"),
                ("lead", "'rerouted'", third_k, "hp.r_late < 0.03 AND hp.r_role >= 0.1"),
            ]:
                cursor.execute(
                    f"""
                    INSERT INTO proposals_assignment ({columns})
                    SELECT '{role}', {status}, hp.assigned_on,
                      {accepted.format(status=status)}, {created}, NULL, bunit.id, hp.id
                    FROM hp JOIN bunit ON bunit.idx = hp.idx AND bunit.k = {unit_k}
                    WHERE {condition}
                    """
                )
            step("assignments")

            # Deadlines: the re-routing window (closed), the reply or co-opinion deadline
            # of round 1, and of round 2 after a rehandling; a feedback deadline per
            # replied proposal. Open where the unit has not delivered yet.
            cursor.execute(
                """
                CREATE TEMP TABLE ha AS
                SELECT a.id, a.proposal_id, a.role, a.status, a.assigned_on,
                  hp.state, hp.handling_round, hp.r_late, hp.r_class,
                  """
                + r("a.id", 30)
                + """ AS r_reply
                FROM proposals_assignment a JOIN hp ON hp.id = a.proposal_id
                """
            )
            cursor.execute("CREATE INDEX ON ha (id)")
            deadline_columns = (
                "kind, start_date, due_date, rule, computation, extended, is_open, met_at, "
                "created_at, assignment_id, proposal_id"
            )
            nine = "((ha.assigned_on) + time '09:00') AT TIME ZONE 'Asia/Shanghai'"
            # Round 1 of a lead/separate unit replied on reply1 (late for about a fifth);
            # round 2 opened 30 days later, answered within 60 days.
            reply1 = "(ha.assigned_on + 30 + floor(ha.r_late * 75)::int)"
            round2_start = f"({reply1} + 30)"
            cursor.execute(
                f"""
                INSERT INTO proposals_deadline ({deadline_columns})
                SELECT 'reroute_window', ha.assigned_on, ha.assigned_on + 7, '{{}}', '{{}}',
                  false, false, {nine}, {nine}, ha.id, ha.proposal_id FROM ha
                """
            )
            cursor.execute(
                f"""
                INSERT INTO proposals_deadline ({deadline_columns})
                SELECT CASE WHEN ha.role = 'co' THEN 'co_opinion' ELSE 'reply' END,
                  ha.assigned_on,
                  ha.assigned_on + CASE WHEN ha.role = 'co' THEN 30 ELSE 90 END,
                  '{{}}', '{{}}', false,
                  ha.status IN ('assigned', 'accepted', 'reroute_requested')
                    AND ha.handling_round < 2,
                  NULL, {nine}, ha.id, ha.proposal_id
                FROM ha
                """
            )
            cursor.execute(
                f"""
                INSERT INTO proposals_deadline ({deadline_columns})
                SELECT 'reply', {round2_start}, {round2_start} + 60, '{{}}', '{{}}', false,
                  ha.state = 'rehandling', NULL,
                  ({round2_start} + time '09:00') AT TIME ZONE 'Asia/Shanghai',
                  ha.id, ha.proposal_id
                FROM ha
                WHERE ha.handling_round = 2 AND ha.role IN ('lead', 'separate')
                  AND ha.status <> 'rerouted'
                """
            )
            cursor.execute(
                f"""
                INSERT INTO proposals_deadline ({deadline_columns})
                SELECT 'feedback', hp.assigned_on + 100, hp.assigned_on + 130, '{{}}', '{{}}',
                  false, true, NULL,
                  ((hp.assigned_on + 100) + time '09:00') AT TIME ZONE 'Asia/Shanghai',
                  NULL, hp.id
                FROM hp WHERE hp.state = 'replied'
                """
            )
            step("deadlines")

            # Reply letters: round 1 of every lead/separate unit that replied (and of
            # those rehandling); round 2 for proposals closed after a rehandling.
            reply_columns = (
                "round, classification, content, attachment, signed_by, reply_date, "
                "created_at, assignment_id, created_by_id"
            )
            first = f"LEAST({reply1}, %s::date)"
            cursor.execute(
                f"""
                INSERT INTO proposals_reply ({reply_columns})
                SELECT 1, {pick("ha.r_class", REPLY_CLASSES)}, '答复', '', '',
                  {first}, ({first} + time '10:00') AT TIME ZONE 'Asia/Shanghai', ha.id, %s
                FROM ha
                WHERE ha.role IN ('lead', 'separate')
                  AND (ha.status = 'replied' OR (ha.state = 'rehandling'
                                                 AND ha.status <> 'rerouted'))
                """,
                [today, today, staff_id],
            )
            second = f"LEAST({round2_start} + floor(ha.r_reply * 50)::int, %s::date)"
            cursor.execute(
                f"""
                INSERT INTO proposals_reply ({reply_columns})
                SELECT 2, {pick("ha.r_reply", REPLY_CLASSES[:2])}, '再答复', '', '',
                  {second}, ({second} + time '10:00') AT TIME ZONE 'Asia/Shanghai', ha.id, %s
                FROM ha
                WHERE ha.role IN ('lead', 'separate') AND ha.status = 'replied'
                  AND ha.handling_round = 2
                """,
                [today, today, staff_id],
            )
            step("replies")

            # Feedback: the lead proposer on each round of a closed or rehandled proposal
            # (round 1 of a rehandled one dissatisfied), a co-signer now and then.
            feedback_columns = (
                "round, is_decisive, communication, result, comment, created_at, user_id, "
                "proposal_id"
            )
            comm = pick(r("p.id", 40), COMMUNICATION)
            result = pick(r("p.id", 41), RESULT)
            cursor.execute(
                f"""
                INSERT INTO proposals_feedback ({feedback_columns})
                SELECT 1, true, {comm},
                  CASE WHEN p.handling_round = 2 THEN 'dissatisfied' ELSE {result} END,
                  '', p.filed_at + interval '150 days', p.proposer_id, p.id
                FROM proposals_proposal p
                WHERE p.state IN ('closed', 'rehandling')
                UNION ALL
                SELECT 2, true, {comm}, {result}, '', p.filed_at + interval '250 days',
                  p.proposer_id, p.id
                FROM proposals_proposal p
                WHERE p.state = 'closed' AND p.handling_round = 2
                UNION ALL
                SELECT 1, false, 'dissatisfied', 'basically_satisfied', '',
                  p.filed_at + interval '151 days', %s, p.id
                FROM proposals_proposal p
                WHERE p.state = 'closed' AND {r("p.id", 42)} < 0.05
                """,
                [staff_id],
            )
            step("feedback")
            for table in ("g", "gp", "hp", "ha"):
                cursor.execute(f"DROP TABLE {table}")

        CommitteeEvent.objects.create(
            committee=Committee.objects.get(code=CITY_CODE),
            action=DATASET_ACTION,
            message="statistics dashboard benchmark data set",
            data=marker(args, today.year),
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("vacuum analyze")
    return steps


def describe_dataset() -> str:
    counts = {
        name: scalar(f"SELECT count(*) FROM {table}")
        for name, table in [
            ("proposals", "proposals_proposal"),
            ("assignments", "proposals_assignment"),
            ("deadlines", "proposals_deadline"),
            ("replies", "proposals_reply"),
            ("feedback", "proposals_feedback"),
            ("committees", "committees_committee"),
            ("units", "committees_handlingunit"),
        ]
    }
    size = scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return ", ".join(f"{n:,} {name}" for name, n in counts.items()) + f"; {size} on disk"


# ---- the same aggregates, by hand -----------------------------------------------------------

# The received proposals in scope; every statement below starts from them.
RECEIVED = """
  r AS (
    SELECT p.id, p.committee_id, p.session_id, p.sector_id, p.state, p.category,
           p.source, p.kind, p.number <> '' AS filed
    FROM proposals_proposal p
    WHERE p.committee_id = ANY(%(ids)s) AND p.submitted_at IS NOT NULL
      AND p.state <> 'draft'
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


def raw_sql(params: dict) -> dict:
    """Run the hand-written statements; the figures in the shape ``orm_figures`` gives."""
    from django.db import connection

    from proposals.choices import Category, Kind, Satisfaction, Source, State

    with connection.cursor() as cursor:
        cursor.execute(RAW_MAIN, params)
        main = cursor.fetchall()
        cursor.execute(RAW_NAMES, params)
        cursor.fetchall()
        cursor.execute(RAW_LABELS, params)
        cursor.fetchall()
        cursor.execute(RAW_CLASSES, params)
        classes = dict(cursor.fetchall())
        cursor.execute(RAW_SATISFACTION, params)
        satisfaction = cursor.fetchall()
        cursor.execute(RAW_UNITS, params)
        units = cursor.fetchall()
        cursor.execute(RAW_OVERDUE, params)
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


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    created = ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from committees.models import Committee
    from committees.scoping import committee_ids, statistics_committee_ids
    from members.models import User
    from proposals.reports.dashboard import figures as dashboard_figures
    from proposals.reports.dashboard import scope as dashboard_scope

    started = time.perf_counter()
    migrate()
    today = timezone.localdate()
    print(
        f"statistics dashboard benchmark: PostgreSQL {scalar('SHOW server_version').split()[0]} "
        f"({connection.settings_dict['NAME']}{', created' if created else ''}), "
        f"Django {__import__('django').get_version()}, Python {platform.python_version()}, "
        f"{load()}; migrated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    guard_database(code__startswith=CODE_PREFIX)
    if args.rebuild or not dataset_matches(args, today.year):
        print(f"data: building {args.proposals:,} proposals …", flush=True)
        started = time.perf_counter()
        build(args, today)
        print(f"data: built in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print("data: reused the data set built earlier (--rebuild to build it again)")
    print(f"data: {describe_dataset()}")

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

    params = {
        "ids": ids,
        "visible": sorted(committee_ids(staff)),
        "today": today,
        "top": dashboard_scope.TOP_UNITS + 1,
        "limit": dashboard_scope.OVERDUE_ROWS,
    }
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
        Timing("raw SQL", lambda: raw_sql(params)),
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
    if args.drop:
        connection.close()
        drop_database(args.database_url)
        print(f"dropped {connection.settings_dict['NAME']}")
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
