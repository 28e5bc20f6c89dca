"""A province-sized world for the benchmarks, built in SQL in minutes.

A city committee with ten county committees, five sessions each (one a year, the newest
this year), their rule sets, sectors, organizations, 30–78 handling units, staff,
supervisors and members; and ``proposals`` proposals in every state with realistic text
(drawn from a pool written by the demo's ``Namer``, with their search documents and
vectors), co-signers, reviews, assignments (lead, co-handling, separate, re-routed),
deadlines (some overdue), reply letters A/B/C (some late, some in a second round),
feedback, supervisors of key proposals and the timeline's events — written by
``INSERT … SELECT generate_series`` with a repeatable hash per row, not through the
service layer, which would take days. The distributions follow the Taiyuan figures
(about 85 % filed, categories 29/8/12/44/7 %, a quarter collective).

Only ever run on a scratch database (``benchmarks.scratch``): the builder assumes an
empty, migrated one.
"""

from __future__ import annotations

import datetime
import random
import time

CODE_PREFIX = "bench-"
CITY_CODE = f"{CODE_PREFIX}city"
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
REVIEWED = ("under_review", "returned", "declined", "merged", "transferred", *NUMBERED)
TEXTS = 3000  # distinct texts; proposals draw from them
SEARCH_INDEX = "proposal_search_gin"
PASSWORD = "bench-password-2025"  # every account's, on a scratch database only


def scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def pick(expression: str, weighted: list[tuple[str, float]]) -> str:
    """SQL choosing a value by cumulative weight from ``expression`` in [0, 1)."""
    total = sum(w for _v, w in weighted)
    parts, running = [], 0.0
    for value, weight in weighted[:-1]:
        running += weight / total
        parts.append(f"WHEN {expression} < {running:.6f} THEN '{value}'")
    return f"(CASE {' '.join(parts)} ELSE '{weighted[-1][0]}' END)"


def text_pool(rng: random.Random, size: int) -> list[dict]:
    """``size`` proposal texts written by the demo's ``Namer`` (a tenth retold from another),
    with their search document and the segmented words of title and body."""
    from demo.texts import Namer
    from proposals import search

    namer = Namer(rng)
    pool: list[dict] = []
    for _ in range(size):
        content = namer.content(namer.title(namer.category()))
        if pool and rng.random() < 0.1:
            content = namer.retold(content)
        background, suggestions = namer.background(content), namer.suggestions(content)
        body = f"{background}\n{suggestions}"
        pool.append(
            {
                "title": content.title.text,
                "category": content.title.category,
                "background": background,
                "suggestions": suggestions,
                "document": search.readable(f"{content.title.text}\n{body}"),
                "title_words": search.segmented(content.title.text),
                "body_words": search.segmented(body),
            }
        )
    return pool


def load_texts(cursor, pool: list[dict]) -> None:
    """The pool as temp table ``bt`` (k, texts, search document and weighted vector)."""
    cursor.execute(
        "CREATE TEMP TABLE bt (k int PRIMARY KEY, title text, background text,"
        " suggestions text, document text, title_words text, body_words text, vector tsvector)"
    )
    columns = "k, title, background, suggestions, document, title_words, body_words"
    with cursor.cursor.copy(f"COPY bt ({columns}) FROM STDIN") as copy:  # psycopg 3
        for k, t in enumerate(pool):
            copy.write_row(
                (k, t["title"], t["background"], t["suggestions"], t["document"],
                 t["title_words"], t["body_words"])
            )  # fmt: skip
    cursor.execute(
        "UPDATE bt SET vector = setweight(to_tsvector('simple', title_words), 'A')"
        " || setweight(to_tsvector('simple', body_words), 'B')"
    )


# Review rows by the state a proposal reached: (state, order, stage, decision).
REVIEWS = [
    *[(s, 1, "initial", "pass") for s in ("under_review", "merged", "transferred")],
    ("returned", 1, "initial", "return"),
    ("declined", 1, "initial", "pass"),
    ("declined", 2, "second", "decline"),
    *[
        (s, k, stage, "pass")
        for s in NUMBERED
        for k, stage in enumerate(("initial", "second", "joint"), start=1)
    ],
]


def people(cursor, r) -> None:
    """Co-signers (0–3 per member proposal, some still to confirm), the review stages each
    proposal went through, and the committee's leader supervising its key proposals."""
    cursor.execute(
        f"""
        INSERT INTO proposals_cosigner (proposal_id, member_id, status, invited_at,
                                        responded_at)
        SELECT p.id, m.id,
          CASE WHEN p.state = 'submitted' AND {r("p.id", 51)} < 0.4 THEN 'invited'
               ELSE 'confirmed' END,
          p.submitted_at, p.submitted_at + interval '1 day'
        FROM proposals_proposal p
        JOIN bc ON bc.id = p.committee_id
        CROSS JOIN generate_series(1, 3) AS j
        JOIN bmem m ON m.idx = bc.idx
          AND m.k = (floor({r("p.id", 50)} * {PROPOSERS})::int + j * 37) % {PROPOSERS}
        WHERE p.source = 'member' AND p.state <> 'draft' AND m.user_id <> p.proposer_id
          AND j <= floor({r("p.id", 52)} * 4)::int
        """
    )
    values = ", ".join(f"('{s}', {k}, '{stage}', '{d}')" for s, k, stage, d in REVIEWS)
    cursor.execute(
        f"""
        INSERT INTO proposals_review (proposal_id, stage, decision, opinion, reviewer_id,
                                      created_at)
        SELECT p.id, v.stage, v.decision, '', b.staff_id,
          p.submitted_at + v.k * interval '3 days'
        FROM proposals_proposal p
        JOIN (VALUES {values}) AS v (state, k, stage, decision) ON v.state = p.state
        JOIN bstaff b ON b.committee_id = p.committee_id
        ORDER BY p.id, v.k
        """
    )
    cursor.execute(
        """
        INSERT INTO proposals_proposal_supervisors (proposal_id, user_id)
        SELECT p.id, b.leader_id FROM proposals_proposal p
        JOIN bstaff b ON b.committee_id = p.committee_id
        WHERE p.is_key
        """
    )


def timeline(cursor) -> None:
    """Each proposal's events: created, submitted, every review, filed, assigned (with
    its units), and every reply letter — what the detail page's timeline shows."""
    columns = "proposal_id, actor_id, action, from_state, to_state, data, created_at"
    cursor.execute(
        f"""
        INSERT INTO proposals_proposalevent ({columns})
        SELECT p.id, p.proposer_id, 'create', '', 'draft', '{{}}'::jsonb, p.created_at
        FROM proposals_proposal p
        UNION ALL
        SELECT p.id, p.proposer_id, 'submit', 'draft', 'submitted',
          jsonb_build_object('session', p.session_id, 'kind', p.kind), p.submitted_at
        FROM proposals_proposal p WHERE p.state <> 'draft'
        UNION ALL
        SELECT v.proposal_id, v.reviewer_id, 'review', 'submitted',
          CASE v.decision WHEN 'pass' THEN 'under_review' WHEN 'return' THEN 'returned'
               ELSE 'declined' END,
          jsonb_build_object('stage', v.stage, 'decision', v.decision, 'opinion', ''),
          v.created_at
        FROM proposals_review v
        UNION ALL
        SELECT p.id, b.staff_id, 'file', 'under_review', 'filed',
          jsonb_build_object('number', p.number), p.filed_at
        FROM proposals_proposal p JOIN bstaff b ON b.committee_id = p.committee_id
        WHERE p.filed_at IS NOT NULL
        """
    )
    cursor.execute(
        f"""
        INSERT INTO proposals_proposalevent ({columns})
        SELECT a.proposal_id, b.staff_id, 'assign', 'filed', 'assigned',
          jsonb_build_object('units', jsonb_agg(jsonb_build_array(u.id, u.name, a.role)
                                                ORDER BY a.id)),
          min(a.created_at)
        FROM proposals_assignment a
        JOIN committees_handlingunit u ON u.id = a.unit_id
        JOIN bstaff b ON b.committee_id = u.committee_id
        WHERE a.status <> 'rerouted'
        GROUP BY a.proposal_id, b.staff_id
        UNION ALL
        SELECT a.proposal_id, x.created_by_id, 'reply', '', '',
          jsonb_build_object('assignment', a.id, 'unit', u.name, 'reply', x.id,
                             'classification', x.classification),
          x.created_at
        FROM proposals_reply x
        JOIN proposals_assignment a ON a.id = x.assignment_id
        JOIN committees_handlingunit u ON u.id = a.unit_id
        """
    )


def reference_data(today: datetime.date, seed: int) -> None:
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
    from demo.texts import Namer
    from members.models import Member, User
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
    password = make_password(PASSWORD)  # one hash for all: usable, so API tokens stay
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
        made = HandlingUnit.objects.bulk_create(
            HandlingUnit(committee=committee, code=code, name=f"{prefix}{name}", kind=kind)
            for code, name, kind in units
        )
        code = committee.code.removeprefix(CODE_PREFIX)
        for unit in made:  # each unit's handler (经办人)
            users.append(
                User(
                    username=f"{code}-u{unit.code}",
                    password=password,
                    committee=committee,
                    unit=unit,
                )
            )
            roles.append(Role.UNIT)
        code = committee.code.removeprefix(CODE_PREFIX)
        for username, role in [(f"{code}-staff", Role.STAFF), (f"{code}-leader", Role.SUPERVISOR)]:
            users.append(User(username=username, password=password, committee=committee))
            roles.append(role)
        for i in range(PROPOSERS):
            users.append(User(username=f"{code}-m{i:03d}", password=password, committee=committee))
            roles.append(Role.MEMBER)
    User.objects.bulk_create(users, batch_size=2000)
    namer = Namer(random.Random(seed))
    Member.objects.bulk_create(
        [
            Member(user=u, committee_id=u.committee_id, name=namer.person(), number=u.username)
            for u, r in zip(users, roles, strict=True)
            if r == Role.MEMBER
        ],
        batch_size=2000,
    )
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=u.pk, group_id=groups[r.value].pk)
            for u, r in zip(users, roles, strict=True)
        ],
        batch_size=2000,
    )


def build(
    proposals: int, seed: int, today: datetime.date, texts: int = TEXTS
) -> list[tuple[str, float]]:
    """The world on an empty migrated database: reference data by the ORM, everything
    per proposal in SQL; (step, seconds) for each part."""
    from django.db import connection, transaction

    steps: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def step(label: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        steps.append((label, now - mark))
        print(f"  built {label} in {now - mark:.1f} s", flush=True)
        mark = now

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [SEARCH_INDEX])
        search_index = cursor.fetchone()[0]
        cursor.execute(f'DROP INDEX "{SEARCH_INDEX}"')  # built once, after loading
    with transaction.atomic():
        reference_data(today, seed)
        pool = text_pool(random.Random(seed), min(texts, proposals))
        step(f"reference data and {len(pool)} texts")
        newest = datetime.date(today.year, 1, 10)
        newest_days = max(10, min(355, (today - newest).days - 20))
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
            """CREATE TEMP TABLE bmem AS SELECT bc.idx, row_number() OVER (
                 PARTITION BY m.committee_id ORDER BY m.user_id) - 1 AS k, m.id, m.user_id
               FROM members_member m JOIN bc ON bc.id = m.committee_id""",
            """CREATE TEMP TABLE bstaff AS SELECT bc.id AS committee_id, s.id AS staff_id,
                 l.id AS leader_id
               FROM bc JOIN committees_committee c ON c.id = bc.id
               JOIN members_user s ON s.committee_id = c.id AND s.username LIKE '%-staff'
               JOIN members_user l ON l.committee_id = c.id AND l.username LIKE '%-leader'""",
        ]
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("SELECT id FROM members_user WHERE username = 'city-staff'")
            staff_id = cursor.fetchone()[0]
            load_texts(cursor, pool)

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
                  {r("i", 10)} AS r_key, {r("i", 11)} AS r_round, {r("i", 12)} AS r_org,
                  floor({r("i", 13)} * {len(pool)})::int AS text_k, {r("i", 14)} AS r_cos
                FROM generate_series(1, %s) AS i
                """,
                [proposals],
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
                  proposer_id, sector_id, session_id, topic_id, transferred_from_id,
                  search_document, search_vector)
                SELECT
                  CASE WHEN gp.r_kind < 0.7 THEN 'plenary' ELSE 'regular' END,
                  bt.title, bt.background, bt.suggestions,
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
                  gp.session_id, NULL, NULL, bt.document, bt.vector
                FROM gp JOIN bt ON bt.k = gp.text_k ORDER BY gp.i
                """
            )
            step(f"{proposals} proposals")
            people(cursor, r)
            step("co-signers, reviews and supervisors")

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
            cursor.execute(
                """
                INSERT INTO proposals_reassignmentrequest (assignment_id, reason, status,
                  requested_by_id, created_at, decision_note)
                SELECT a.id, '该事项不属于本单位职责，建议改由相关部门承办。', 'pending', u.id,
                  a.created_at + interval '2 days', ''
                FROM proposals_assignment a JOIN members_user u ON u.unit_id = a.unit_id
                WHERE a.status = 'reroute_requested'
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
                "round, classification, content, attachment, attachment_name, attachment_type, "
                "signed_by, reply_date, "
                "created_at, assignment_id, created_by_id"
            )
            first = f"LEAST({reply1}, %s::date)"
            cursor.execute(
                f"""
                INSERT INTO proposals_reply ({reply_columns})
                SELECT 1, {pick("ha.r_class", REPLY_CLASSES)}, '答复', '', '', '', '',
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
                SELECT 2, {pick("ha.r_reply", REPLY_CLASSES[:2])}, '再答复', '', '', '', '',
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
            timeline(cursor)
            step("events")
            for table in ("g", "gp", "hp", "ha"):
                cursor.execute(f"DROP TABLE {table}")
    with connection.cursor() as cursor:
        cursor.execute(search_index)
        step("search index")
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
