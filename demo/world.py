"""The demo world ``manage.py seed_demo`` builds: 太原市政协 and two district committees.

Why it is built the way it is:

* **2023 is history and must equal the 2023 report** (743 received, 618 filed, 465
  member and 153 collective, 178/51/75/269/45 by category, 78 handling units, all
  answered on time, 50 key proposals). Those proposals are written with
  ``bulk_create`` — historical data, not workflow actions — but row for row as the
  services would have left them: final states and timestamps, Review rows, numbers
  from the session's NumberSequence, assignments with closed Deadline rows computed
  by :mod:`proposals.deadlines`, replies, feedback, supervision, and an audit trail
  whose actions, messages and data follow the services' own. No notifications are
  written for history: they would only be noise in the demo users' inboxes.
* **The live session is driven through** :mod:`proposals.services`, so every state
  a user meets in the demo was produced by the code that produces it in production.
* **Time is simulated.** While building, ``django.utils.timezone.now`` returns the
  moment of a :class:`SimulatedClock` (new audit events take it too), so each live
  step happens on its own day relative to ``today`` and services that take no
  ``today`` argument still see that day. Together with ``random.Random(seed)`` (no
  global random, no uuids, fixed password salts) the same ``seed`` and ``today``
  give the same data, timestamps included; only database ids may differ.
* **Sessions** are 十四届一次 (2022-01-05), 二次 (2023-01-10) and 三次 (2024-02-25)
  as in the brief, plus one per later year up to ``today`` (first Tuesday on or after
  6 January), so live proposals belong to the session current at ``today``.
  ``today`` must be on or after :data:`MIN_TODAY`, so no live proposal lands in 2023."""

from __future__ import annotations

import datetime
import logging
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import RANDOM_STRING_CHARS

from committees import services as configuration
from committees.models import (
    Committee,
    CommitteeEvent,
    HandlingUnit,
    Organization,
    RuleSet,
    Sector,
    Session,
    Topic,
)
from committees.workcalendar import WorkCalendar
from cppcc.db import set_local
from demo import names
from demo.clock import SimulatedClock
from demo.figures import (
    BATCH,
    CITY_MEMBERS,
    CITY_PLENARIES,
    CITY_TERM,
    COUNTY_MEMBERS,
    FILED_2023,
    FILED_BY_CATEGORY_2023,
    FILED_BY_SOURCE_2023,
    FIRST_YEAR,
    MIN_TODAY,
    ONE_DAY,
    RECEIVED_2023,
    figures_2023,
)
from demo.history import History2023
from demo.live import LiveWork, run_in_time_order
from demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_USERNAMES
from demo.plans import bulk
from demo.texts import Namer
from members.models import Member, User
from members.roles import Role
from proposals.choices import Category, ReviewStage, State
from proposals.models import (
    Assignment,
    Notification,
    NumberSequence,
    Proposal,
    ProposalEvent,
)


@dataclass
class CommitteeWorld:
    """Everything a committee owns that proposals refer to, kept at hand while building."""

    committee: Committee
    rules: RuleSet
    calendar: WorkCalendar
    sessions: dict[int, Session]
    sectors: dict[str, Sector]
    organizations: list[Organization]
    units: list[HandlingUnit]
    unit_by_code: dict[str, HandlingUnit]
    topics: dict[tuple[str, str], Topic]
    unit_users: dict[int, User] = field(default_factory=dict)
    unit_signers: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, User] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    demo: dict[str, User] = field(default_factory=dict)

    def member_of(self, user: User) -> Member:
        return next(m for m in self.members if m.user_id == user.pk)


@dataclass
class Summary:
    seed: int
    today: datetime.date
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0


@contextmanager
def _quiet(*logger_names: str) -> Iterator[None]:
    """Quieten loggers while building: eager Celery logs a line per notification e-mail task."""
    loggers = [logging.getLogger(name) for name in logger_names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def world_exists() -> bool:
    return Committee.objects.exists()


def build_world(seed: int = 2023, today: datetime.date | None = None) -> Summary:
    """Build the whole demo world in one transaction; the database must hold no committees."""
    today = today or timezone.localdate()
    if today < MIN_TODAY:
        raise ValueError(f"today must be on or after {MIN_TODAY.isoformat()}")
    return WorldBuilder(seed, today).build()


def reset_world() -> None:
    """Delete every committee and everything under it, and the users that belong to them.

    For demo databases only: it also removes the audit log, bypassing its append-only
    manager on purpose (the whole world goes, not a record inside it).
    """
    with transaction.atomic():
        set_local("cppcc.erase_world")  # the audit triggers let the whole world go
        Notification.objects.all().delete()
        models.QuerySet(model=ProposalEvent).delete()
        Proposal.objects.update(merged_into=None, transferred_from=None)
        Assignment.objects.update(replaces=None)
        Proposal.objects.all().delete()
        NumberSequence.objects.all().delete()
        Member.objects.all().delete()
        User.objects.filter(Q(committee__isnull=False) | Q(username__in=DEMO_USERNAMES)).delete()
        RuleSet.objects.all().delete()
        Topic.objects.all().delete()
        Session.objects.all().delete()
        Organization.objects.all().delete()
        HandlingUnit.objects.all().delete()
        Sector.objects.all().delete()
        CommitteeEvent.objects.all().delete()
        Committee.objects.filter(parent__isnull=False).delete()
        Committee.objects.all().delete()


# ---- the builder ------------------------------------------------------------------------------


class WorldBuilder:
    def __init__(self, seed: int, today: datetime.date) -> None:
        self.seed = seed
        self.today = today
        self.tz = timezone.get_default_timezone()
        self.clock = SimulatedClock()
        self.namer = Namer(self.rng("names"), [login.display_name for login in DEMO_LOGINS])
        self._password_rng = self.rng("passwords")
        # A salt as long as Django's own, so logging in does not re-hash the password.
        self.demo_hash = make_password(DEMO_PASSWORD, salt=self._random_string(22))
        self.joined = self.at(datetime.date(2021, 12, 20), 9)
        self.groups: dict[str, Group] = {}

    def rng(self, purpose: str) -> random.Random:
        """A generator per purpose, so changing one part of the world leaves the others."""
        return random.Random(f"{self.seed}:{purpose}")

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    # -- whole world --

    def build(self) -> Summary:
        started = time.perf_counter()
        quiet = _quiet("celery.app.trace", "kombu.connection")
        with quiet, self.clock.running(), transaction.atomic():
            self.clock.set(self.joined)
            self.groups = {
                role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role
            }
            city = self._city()
            counties = [
                self._county(code, spec, city.committee) for code, spec in names.COUNTIES.items()
            ]
            History2023(self, city).build()
            city_work = LiveWork(self, city, self.rng("live-city"), counties[0].committee)
            drives = city_work.drives(city_work.city_script())
            for county in counties:
                work = LiveWork(self, county, self.rng(f"live-{county.committee.code}"))
                drives += work.drives(work.county_script())
            run_in_time_order(self.clock, drives)
            summary = self._summary(city, counties)
        summary.seconds = time.perf_counter() - started
        return summary

    # -- committees --

    def _sessions(
        self, committee: Committee, term: int, plenaries: dict[int, tuple]
    ) -> dict[int, Session]:
        sessions = {}
        for year, (start, end) in plenaries.items():
            offset = year - FIRST_YEAR
            sessions[year] = Session(
                committee=committee,
                term=term + offset // 5,
                meeting=offset % 5 + 1,
                plenary_start=start,
                plenary_end=end,
            )
        bulk(Session, list(sessions.values()))
        return sessions

    def _city_plenaries(self) -> dict[int, tuple[datetime.date, datetime.date]]:
        plenaries = {}
        for year in range(FIRST_YEAR, self.today.year + 1):
            if year in CITY_PLENARIES:
                plenaries[year] = CITY_PLENARIES[year]
                continue
            start = datetime.date(year, 1, 6)
            while start.weekday() != 1:  # the first Tuesday on or after 6 January
                start += ONE_DAY
            plenaries[year] = (start, start + datetime.timedelta(days=3))
        return plenaries

    def _county_plenaries(
        self, city: dict[int, tuple[datetime.date, datetime.date]], calendar: WorkCalendar
    ) -> dict[int, tuple[datetime.date, datetime.date]]:
        """A district holds its plenary the week after the city's."""
        plenaries = {}
        for year, (_start, end) in city.items():
            start = calendar.roll_forward(end + datetime.timedelta(days=4)).date
            plenaries[year] = (start, start + datetime.timedelta(days=2))
        return plenaries

    def _reference(
        self,
        committee: Committee,
        rules: RuleSet,
        sessions: dict[int, Session],
        sectors: list[tuple[str, str]],
        organizations: list[tuple[str, str, str]],
        units: list[tuple[str, str, str]],
    ) -> CommitteeWorld:
        sector_rows = bulk(
            Sector, [Sector(committee=committee, code=c, name=n) for c, n in sectors]
        )
        by_name = {s.name: s for s in sector_rows}
        orgs = bulk(
            Organization,
            [
                Organization(committee=committee, name=n, kind=k, sector=by_name.get(s))
                for n, k, s in organizations
            ],
        )
        unit_rows = bulk(
            HandlingUnit,
            [HandlingUnit(committee=committee, code=c, name=n, kind=k) for c, n, k in units],
        )
        topics = bulk(
            Topic,
            [
                Topic(committee=committee, category=category, name=topic)
                for category, by_topic in names.TITLE_STEMS.items()
                for topic in by_topic
            ],
        )
        return CommitteeWorld(
            committee=committee,
            rules=rules,
            calendar=WorkCalendar.for_committee(committee.pk),
            sessions=sessions,
            sectors=by_name,
            organizations=orgs,
            units=unit_rows,
            unit_by_code={u.code: u for u in unit_rows},
            topics={(t.category, t.name): t for t in topics},
        )

    def _city(self) -> CommitteeWorld:
        committee = Committee.objects.create(
            code="taiyuan", name="太原市政协", short_name="市政协", level=Committee.Level.CITY
        )
        sessions = self._sessions(committee, CITY_TERM, self._city_plenaries())
        rules = configuration.save_rule_set(None, RuleSet(committee=committee))
        w = self._reference(
            committee, rules, sessions, names.SECTORS, names.CITY_ORGANIZATIONS, names.CITY_UNITS
        )
        assert len(w.units) == 78, "the 2023 report names 78 handling units"
        rng = self.rng("city-people")
        users = UserBatch(self)
        demo = {login.username: login for login in DEMO_LOGINS}

        def demo_user(username: str, **extra) -> User:
            login = demo[username]
            committee_ = committee if login.committee else None
            return users.add(
                username, login.display_name, committee_, [login.role], demo=True, **extra
            )

        w.demo["admin"] = demo_user("admin", is_superuser=True, is_staff=True)
        w.staff = [demo_user("staff")] + [
            users.add(f"ty_staff{i}", self.namer.person(), committee, [Role.STAFF])
            for i in range(2, 5)
        ]
        w.supervisors = [demo_user("leader")] + [
            users.add(f"ty_leader{i}", self.namer.person(), committee, [Role.SUPERVISOR])
            for i in range(2, 8)
        ]
        minge = next(o for o in w.organizations if o.name == "民革太原市委会")
        for i, org in enumerate(w.organizations, start=1):
            if org is minge:
                w.contacts[org.pk] = demo_user("minge", organization=org)
            else:
                w.contacts[org.pk] = users.add(
                    f"ty_org{i:02d}",
                    self.namer.person(),
                    committee,
                    [Role.COLLECTIVE],
                    organization=org,
                )
        for unit in w.units:
            username = f"unit_{unit.code}"
            if username in demo:
                w.unit_users[unit.pk] = demo_user(
                    username, unit=unit, unit_position=User.UnitPosition.HANDLER
                )
            else:
                w.unit_users[unit.pk] = users.add(
                    username,
                    self.namer.person(),
                    committee,
                    [Role.UNIT],
                    unit=unit,
                    unit_position=User.UnitPosition.HANDLER,
                )
            w.unit_signers[unit.pk] = self.namer.person()
        member_users = []
        for i in range(1, CITY_MEMBERS + 1):
            if i == 17:
                member_users.append(demo_user("member"))
            elif i == 58:
                member_users.append(demo_user("cosigner"))
            else:
                member_users.append(
                    users.add(f"ty{i:04d}", self.namer.person(), committee, [Role.MEMBER])
                )
        users.save()
        w.demo.update({u.username: u for u in users.users if u.username in demo})
        w.members = self._members(w, member_users, "TY", rng, city=True)
        return w

    def _members(
        self,
        w: CommitteeWorld,
        users: list[User],
        prefix: str,
        rng: random.Random,
        city: bool,
    ) -> list[Member]:
        sectors = list(w.sectors.values())
        # The CPC and the parties hold the most seats; every sector has some.
        weights = [
            50 if s.name == "中共" else 18 if s.name in names.PARTY_OF_SECTOR else 12
            for s in sectors
        ]
        special = [o for o in w.organizations if o.kind == Organization.Kind.SPECIAL_COMMITTEE]
        members = []
        for i, user in enumerate(users, start=1):
            sector = rng.choices(sectors, weights=weights)[0]
            party = names.PARTY_OF_SECTOR.get(sector.name) or rng.choice(names.OTHER_AFFILIATIONS)
            members.append(
                Member(
                    user=user,
                    committee=w.committee,
                    name=user.display_name,
                    number=f"{prefix}{i:04d}" if city else f"{prefix}{i:03d}",
                    sector=sector,
                    party=party,
                    special_committee=rng.choice(special) if special and city else None,
                    phone=self.namer.phone(),
                )
            )
        return bulk(Member, members)

    def _county(self, code: str, spec: dict, parent: Committee) -> CommitteeWorld:
        committee = Committee.objects.create(
            code=code,
            name=spec["name"],
            short_name=spec["short_name"],
            level=Committee.Level.COUNTY,
            parent=parent,
        )
        calendar = WorkCalendar.for_committee(committee.pk)
        sessions = self._sessions(
            committee, spec["term"], self._county_plenaries(self._city_plenaries(), calendar)
        )
        # Each district configures its own rules: shows that rules are data.
        if code == "xiaodian":
            rules = RuleSet(committee=committee, number_format="{year}-{seq:03d}")
        else:
            rules = RuleSet(
                committee=committee,
                review_stages=[ReviewStage.INITIAL, ReviewStage.JOINT],
                reply_months=2,
                reply_max_months=4,
            )
        rules = configuration.save_rule_set(None, rules)
        sectors = [(f"{i:02d}", name) for i, name in enumerate(spec["sectors"], start=1)]
        w = self._reference(
            committee, rules, sessions, sectors, spec["organizations"], spec["units"]
        )
        prefix = spec["prefix"]
        users = UserBatch(self)
        staff_login = next(login for login in DEMO_LOGINS if login.username == f"{prefix}_staff")
        w.staff = [
            users.add(
                staff_login.username,
                staff_login.display_name,
                committee,
                [Role.STAFF],
                demo=True,
            )
        ]
        w.supervisors = [
            users.add(f"{prefix}_leader", self.namer.person(), committee, [Role.SUPERVISOR])
        ]
        for i, org in enumerate(w.organizations, start=1):
            w.contacts[org.pk] = users.add(
                f"{prefix}_org{i}",
                self.namer.person(),
                committee,
                [Role.COLLECTIVE],
                organization=org,
            )
        for unit in w.units:
            w.unit_users[unit.pk] = users.add(
                f"{prefix}_unit_{unit.code}",
                self.namer.person(),
                committee,
                [Role.UNIT],
                unit=unit,
                unit_position=User.UnitPosition.HANDLER,
            )
            w.unit_signers[unit.pk] = self.namer.person()
        member_users = [
            users.add(f"{prefix}{i:03d}", self.namer.person(), committee, [Role.MEMBER])
            for i in range(1, COUNTY_MEMBERS + 1)
        ]
        users.save()
        rng = self.rng(f"{code}-people")
        w.members = self._members(w, member_users, prefix.upper(), rng, city=False)
        return w

    def _random_string(self, length: int) -> str:
        return "".join(self._password_rng.choice(RANDOM_STRING_CHARS) for _ in range(length))

    def unusable_password(self) -> str:
        return UNUSABLE_PASSWORD_PREFIX + self._random_string(40)

    # -- summary --

    def _summary(self, city: CommitteeWorld, counties: list[CommitteeWorld]) -> Summary:
        figures = figures_2023(city.committee)
        expected = {
            "received": RECEIVED_2023,
            "filed": FILED_2023,
            **{str(k): v for k, v in FILED_BY_SOURCE_2023.items()},
            **{str(k): v for k, v in FILED_BY_CATEGORY_2023.items()},
        }
        if figures != expected:
            raise RuntimeError(f"2023 figures do not match the report: {figures}")
        s = Summary(self.seed, self.today)
        c = city.committee
        live = Proposal.objects.filter(
            committee=c, submitted_at__date__gt=datetime.date(2023, 12, 31)
        ) | Proposal.objects.filter(committee=c, state=State.DRAFT)
        by_state = Counter(live.values_list("state", flat=True))
        labels = dict(State.choices)
        cats = dict(Category.choices)
        s.lines = [
            f"演示数据已生成（seed={self.seed}，today={self.today.isoformat()}）",
            f"太原市政协：承办单位 {len(city.units)} 家，界别 {len(city.sectors)} 个，"
            f"集体提案单位 {len(city.organizations)} 个，委员 {len(city.members)} 名，"
            f"会次 {len(city.sessions)} 个",
            f"  2023年：收到提案 {figures['received']} 件，立案 {figures['filed']} 件"
            f"（立案率 {figures['filed'] / figures['received']:.2%}），"
            f"委员提案 {figures['member']} 件，集体提案 {figures['collective']} 件",
            "  立案分类：" + "，".join(f"{cats[k]} {figures[k]}" for k in cats),
            "  当前提案：" + "，".join(f"{labels[k]} {by_state[k]}" for k in labels if by_state[k]),
        ]
        for county in counties:
            n = Proposal.objects.filter(committee=county.committee).count()
            s.lines.append(
                f"{county.committee.name}：承办单位 {len(county.units)} 家，"
                f"委员 {len(county.members)} 名，提案 {n} 件"
            )
        logged = ProposalEvent.objects.count()
        s.lines.append(f"用户 {User.objects.count()} 个，办理记录 {logged} 条")
        return s


class UserBatch:
    """Users written with one bulk insert; roles are the Django groups of members/0002."""

    def __init__(self, builder: WorldBuilder) -> None:
        self.builder = builder
        self.users: list[User] = []
        self.roles: list[list[Role]] = []

    def add(
        self,
        username: str,
        display_name: str,
        committee: Committee | None,
        roles: list[Role],
        demo: bool = False,
        **extra,
    ) -> User:
        b = self.builder
        user = User(
            username=username,
            display_name=display_name,
            committee=committee,
            password=b.demo_hash if demo else b.unusable_password(),
            date_joined=b.joined,
            **extra,
        )
        self.users.append(user)
        self.roles.append(roles)
        return user

    def save(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH)
        through = User.groups.through
        groups = self.builder.groups
        through.objects.bulk_create(
            [
                through(user_id=user.pk, group_id=groups[role.value].pk)
                for user, roles in zip(self.users, self.roles, strict=True)
                for role in roles
            ],
            batch_size=BATCH,
        )


# ---- 2023: history written in bulk ------------------------------------------------------------
