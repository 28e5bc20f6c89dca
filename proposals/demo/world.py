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
  ``today`` must be on or after :data:`MIN_TODAY`, so no live proposal lands in 2023.
"""

from __future__ import annotations

import datetime
import heapq
import logging
import random
import time
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import pre_save
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
from members.models import Member, User
from members.roles import Role
from proposals import conditions
from proposals import deadlines as deadline_rules
from proposals.choices import (
    AssignmentStatus,
    Category,
    CommunicationKind,
    CommunicationMethod,
    CosignerStatus,
    DeadlineKind,
    Kind,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.demo import names
from proposals.domain import events
from proposals.domain.events import Event, EventKind
from proposals.models import (
    Assignment,
    Communication,
    Cosigner,
    Deadline,
    Feedback,
    Notification,
    NumberSequence,
    Proposal,
    ProposalEvent,
    Reply,
    Review,
    Supervision,
    UnitOpinion,
)
from proposals.services import drafting, feedback, handling, review, supervision

DEMO_PASSWORD = "demo12345"
# The live part looks back up to ~190 days; from this date on none of it falls in 2023
# or before 十四届三次 (2024-02-25).
MIN_TODAY = datetime.date(2024, 9, 10)
FIRST_YEAR = 2022
CITY_TERM = 14
CITY_PLENARIES: dict[int, tuple[datetime.date, datetime.date]] = {
    2022: (datetime.date(2022, 1, 5), datetime.date(2022, 1, 8)),
    2023: (datetime.date(2023, 1, 10), datetime.date(2023, 1, 13)),
    2024: (datetime.date(2024, 2, 25), datetime.date(2024, 2, 28)),
}
CITY_MEMBERS = 400
COUNTY_MEMBERS = 20

# The 2023 report (see /work/shared/README.md).
RECEIVED_2023 = 743
FILED_2023 = 618
FILED_BY_SOURCE_2023 = {Source.MEMBER: 465, Source.COLLECTIVE: 153}
FILED_BY_CATEGORY_2023 = {
    Category.ECONOMIC: 178,
    Category.POLITICAL: 51,
    Category.CULTURAL: 75,
    Category.SOCIAL: 269,
    Category.ECOLOGICAL: 45,
}
# The 125 received but not filed.
NOT_FILED_2023 = {State.DECLINED: 98, State.MERGED: 20, State.WITHDRAWN: 7}
KEY_PROPOSALS_2023 = 50
# Everything of 2023 happens in 2023.
LAST_REPLY_2023 = datetime.date(2023, 12, 15)
LAST_FEEDBACK_2023 = datetime.date(2023, 12, 29)
PLENARY_SHARE = 0.85
COMMUNICATION_METHODS = [
    CommunicationMethod.PHONE,
    CommunicationMethod.MEETING,
    CommunicationMethod.VISIT,
]
REPLY_CLASS_WEIGHTS = {"A": 70, "B": 25, "C": 5}

ONE_DAY = datetime.timedelta(days=1)
OK = "符合立案条件，同意。"
BATCH = 500


# ---- demo logins ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    committee: str  # committee code
    note: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin", "系统管理员", Role.ADMIN, "taiyuan", "超级管理员：管理后台、导入账号、规则与节假日"
    ),
    DemoLogin("staff", "李晓燕", Role.STAFF, "taiyuan", "市政协提案委员会办公室：审查、立案、交办"),
    DemoLogin("leader", "王建国", Role.SUPERVISOR, "taiyuan", "督办领导：领办督办重点提案"),
    DemoLogin("minge", "赵文华", Role.COLLECTIVE, "taiyuan", "民革太原市委会集体提案联系人"),
    DemoLogin("member", "张志强", Role.MEMBER, "taiyuan", "市政协委员：提案处于各个环节"),
    DemoLogin("cosigner", "刘慧敏", Role.MEMBER, "taiyuan", "市政协委员：有待确认的联名邀请"),
    DemoLogin("unit_fgw", "陈立新", Role.UNIT, "taiyuan", "市发展和改革委员会经办人：含超期提案"),
    DemoLogin("unit_jyj", "杨春梅", Role.UNIT, "taiyuan", "市教育局经办人：含待审批的调整申请"),
    DemoLogin("xd_staff", "郭丽娟", Role.STAFF, "xiaodian", "小店区政协提案工作人员"),
    DemoLogin("yz_staff", "冯海涛", Role.STAFF, "yingze", "迎泽区政协提案工作人员"),
)
DEMO_USERNAMES = frozenset(login.username for login in DEMO_LOGINS)


def login_table() -> list[str]:
    """The demo logins as printable lines (shared by ``seed_demo`` and ``rundemo``)."""
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for login in DEMO_LOGINS:
        lines.append(
            f"  {login.username:<10} {login.display_name:<6} {login.role.label}｜{login.note}"
        )
    return lines


# ---- the simulated clock ----------------------------------------------------------------------

_CLOCK_UID = "proposals.demo.world.SimulatedClock"


class SimulatedClock:
    """Stands in for ``timezone.now`` while the world is built.

    Each reading advances one second, so steps taken at "the same" moment keep
    their order. ProposalEvent's ``created_at`` default was bound to the real
    ``timezone.now`` at import, so a pre_save receiver stamps new events instead.
    """

    tick = datetime.timedelta(seconds=1)

    def __init__(self) -> None:
        self._moment: datetime.datetime | None = None

    def set(self, moment: datetime.datetime) -> None:
        self._moment = moment

    def now(self) -> datetime.datetime:
        if self._moment is None:
            raise RuntimeError("SimulatedClock read before it was set.")
        moment = self._moment
        self._moment = moment + self.tick
        return moment

    @contextmanager
    def running(self) -> Iterator[SimulatedClock]:
        def stamp(sender, instance: ProposalEvent, **kwargs) -> None:
            if instance.pk is None:
                instance.created_at = self.now()

        pre_save.connect(stamp, sender=ProposalEvent, weak=False, dispatch_uid=_CLOCK_UID)
        try:
            with mock.patch.object(timezone, "now", self.now):
                yield self
        finally:
            pre_save.disconnect(sender=ProposalEvent, dispatch_uid=_CLOCK_UID)


# ---- names and texts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    text: str
    category: str
    topic: str
    stem: str


class Namer:
    """People's names (unique in the world), proposal titles and their texts."""

    def __init__(self, rng: random.Random, reserved: Sequence[str] = ()) -> None:
        self.rng = rng
        self.used: set[str] = set(reserved)

    def person(self) -> str:
        rng = self.rng
        while True:
            given = rng.choice(names.GIVEN_FIRST)
            if rng.random() < 0.85:
                given += rng.choice(names.GIVEN_SECOND)
            name = rng.choice(names.SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        return "13" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def category(self) -> str:
        cats = list(FILED_BY_CATEGORY_2023)
        return self.rng.choices(cats, weights=list(FILED_BY_CATEGORY_2023.values()))[0]

    def title(self, category: str, place: str = "我市") -> Title:
        rng = self.rng
        topics = names.TITLE_STEMS[category]
        topic = rng.choice(list(topics))
        stems = topics[topic]
        stem = rng.choice(stems)
        text = stem
        if rng.random() < 0.2:
            text = f"{stem}、{rng.choice([s for s in stems if s != stem])}"
        prefix = rng.choice(names.TITLE_PREFIXES).replace("我市", place)
        suffix = rng.choice(names.TITLE_SUFFIXES)
        return Title(f"关于{prefix}{text}的{suffix}", category, topic, stem)

    def similar(self, other: Title) -> Title:
        """A title on the same matter, as proposals that end up merged (并案) have."""
        for prefix in ("进一步", "加快", "切实", "着力"):
            text = f"关于{prefix}{other.stem}的建议"
            if text != other.text:
                return Title(text, other.category, other.topic, other.stem)
        return Title(f"关于{other.stem}的几点建议", other.category, other.topic, other.stem)

    def background(self, title: Title, place: str = "我市") -> str:
        problems = self.rng.sample(names.PROBLEMS[title.category], 2)
        return (
            f"{title.topic}事关高质量发展和群众切身利益。近年来，{place}围绕{title.stem}"
            f"做了大量工作，取得积极成效。但调研发现，仍存在{problems[0]}、{problems[1]}"
            "等问题，需要进一步研究解决。"
        )

    def suggestions(self, title: Title) -> str:
        measures = self.rng.sample(names.MEASURES[title.category], 3)
        return f"一是{measures[0]}；二是{measures[1]}；三是{measures[2]}。"

    def reply_text(self, title: str, classification: str) -> str:
        return (
            f"您提出的《{title}》收悉。经认真研究，现答复如下：我单位高度重视，"
            f"结合职责进行了专题研究。{names.REPLY_CONCLUSIONS[classification]}"
            "感谢您对我市工作的关心和支持。"
        )


# ---- one committee's reference data -----------------------------------------------------------


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


def _bulk(model: type[models.Model], objs: list) -> list:
    """``bulk_create`` keeping historical values of auto_now(_add) fields.

    Django overwrites those fields on insert, so the intended values are put back
    with one ``bulk_update``.
    """
    if not objs:
        return objs
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    wanted = [[getattr(o, name) for name in stamped] for o in objs]
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    if stamped:
        for obj, values in zip(objs, wanted, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(obj, name, value)
        model._default_manager.bulk_update(objs, stamped, batch_size=BATCH)
    return objs


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
        _bulk(Session, list(sessions.values()))
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
        sector_rows = _bulk(
            Sector, [Sector(committee=committee, code=c, name=n) for c, n in sectors]
        )
        by_name = {s.name: s for s in sector_rows}
        orgs = _bulk(
            Organization,
            [
                Organization(committee=committee, name=n, kind=k, sector=by_name.get(s))
                for n, k, s in organizations
            ],
        )
        unit_rows = _bulk(
            HandlingUnit,
            [HandlingUnit(committee=committee, code=c, name=n, kind=k) for c, n, k in units],
        )
        topics = _bulk(
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
        return _bulk(Member, members)

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


def figures_2023(committee: Committee) -> dict[str, int]:
    """The 2023 report's figures, counted from the data (received = submitted in 2023)."""
    received = Proposal.objects.filter(committee=committee, submitted_at__year=2023).exclude(
        state=State.DRAFT
    )
    filed = received.exclude(number="")
    figures = {"received": received.count(), "filed": filed.count()}
    figures.update({str(k): n for k, n in Counter(filed.values_list("source", flat=True)).items()})
    figures.update(
        {str(k): n for k, n in Counter(filed.values_list("category", flat=True)).items()}
    )
    return figures


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


@dataclass
class UnitPlan:
    unit: HandlingUnit
    role: str
    accepted_at: datetime.datetime | None = None
    opinion_at: datetime.datetime | None = None
    communication_at: datetime.datetime | None = None
    method: str = ""
    reply_at: datetime.datetime | None = None
    classification: str = ""
    assignment: Assignment | None = None
    opinion: UnitOpinion | None = None
    communication: Communication | None = None
    reply: Reply | None = None


@dataclass
class Plan:
    """One 2023 proposal, planned in full before anything is written."""

    outcome: str
    source: str
    title: Title
    proposer: User
    organization: Organization | None
    sector: Sector | None
    plenary: bool
    created: datetime.datetime | None = None
    submitted: datetime.datetime | None = None
    cosigners: list[tuple[Member, datetime.datetime]] = field(default_factory=list)
    reviews: list[tuple[str, str, datetime.datetime, User]] = field(default_factory=list)
    decline_ground: str = ""
    forwarded_to: HandlingUnit | None = None
    merge_into: Plan | None = None
    merged: list[Plan] = field(default_factory=list)
    ended_at: datetime.datetime | None = None  # withdrawn / merged
    filed_at: datetime.datetime | None = None
    sequence: int | None = None
    number: str = ""
    assign_at: datetime.datetime | None = None
    units: list[UnitPlan] = field(default_factory=list)
    key_at: datetime.datetime | None = None
    supervisors: list[User] = field(default_factory=list)
    supervisions: list[tuple[User, datetime.datetime, str]] = field(default_factory=list)
    supervision_rows: list[Supervision] = field(default_factory=list)
    feedback_at: datetime.datetime | None = None
    satisfaction: tuple[str, str] = (Satisfaction.SATISFIED, Satisfaction.SATISFIED)
    feedback_row: Feedback | None = None
    proposal: Proposal | None = None
    review_staff: User | None = None

    @property
    def replied_at(self) -> datetime.datetime | None:
        replies = [u.reply_at for u in self.units if u.reply_at]
        return max(replies) if replies else None


class History2023:
    """The 743 proposals of 2023, planned to the report's figures and written in bulk."""

    def __init__(self, builder: WorldBuilder, w: CommitteeWorld) -> None:
        self.b = builder
        self.w = w
        self.rng = builder.rng("history-2023")
        self.session = w.sessions[2023]
        self.calendar = w.calendar
        self.rules = w.rules

    # -- helpers --

    def office(
        self, day: datetime.date, earliest: datetime.datetime | None = None
    ) -> datetime.datetime:
        """A moment in office hours on ``day`` or the next working day."""
        day = self.calendar.roll_forward(day).date
        moment = self.b.at(day, self.rng.randint(9, 16), self.rng.randint(0, 59))
        if earliest is not None and moment <= earliest:
            moment = earliest + datetime.timedelta(minutes=self.rng.randint(10, 90))
        return moment

    def anytime(self, day: datetime.date) -> datetime.datetime:
        return self.b.at(day, self.rng.randint(8, 21), self.rng.randint(0, 59))

    def due(self, rule_field: str, start: datetime.date) -> deadline_rules.Computed:
        return deadline_rules.compute(self.calendar, self.rules, rule_field, start)

    def new_plan(self, outcome: str, source: str, category: str, plenary: bool) -> Plan:
        title = self.b.namer.title(category)
        if source == Source.COLLECTIVE:
            orgs = self.w.organizations
            org = self.rng.choices(
                orgs, weights=[names.ORGANIZATION_WEIGHTS[o.kind] for o in orgs]
            )[0]
            return Plan(outcome, source, title, self.w.contacts[org.pk], org, org.sector, plenary)
        member = self.pick_member()
        return Plan(outcome, source, title, member.user, None, member.sector, plenary)

    def pick_member(self) -> Member:
        # A third of member proposals come from the most active fifty members.
        members = self.w.members
        if self.rng.random() < 0.33:
            return self.rng.choice(members[:50])
        return self.rng.choice(members)

    # -- planning --

    def build(self) -> None:
        plans = self.plan()
        self.write(plans)

    def plan(self) -> list[Plan]:
        rng = self.rng
        categories = [c for c, n in FILED_BY_CATEGORY_2023.items() for _ in range(n)]
        sources = [s for s, n in FILED_BY_SOURCE_2023.items() for _ in range(n)]
        rng.shuffle(categories)
        rng.shuffle(sources)
        filed = [
            self.new_plan(State.CLOSED, s, c, rng.random() < PLENARY_SHARE)
            for s, c in zip(sources, categories, strict=True)
        ]
        demo_member = self.w.demo["member"]
        demo_cosigner = self.w.member_of(self.w.demo["cosigner"])
        member_filed = [p for p in filed if p.source == Source.MEMBER]
        for plan in member_filed[:2]:
            plan.proposer = demo_member
            plan.sector = self.w.member_of(demo_member).sector
        declined = [
            self.new_plan(
                State.DECLINED,
                Source.COLLECTIVE if i < 6 else Source.MEMBER,
                self.b.namer.category(),
                rng.random() < 0.8,
            )
            for i in range(NOT_FILED_2023[State.DECLINED])
        ]
        withdrawn = [
            self.new_plan(State.WITHDRAWN, Source.MEMBER, self.b.namer.category(), False)
            for _ in range(NOT_FILED_2023[State.WITHDRAWN])
        ]
        plenary_filed = [p for p in filed if p.plenary]
        merged = []
        for _ in range(NOT_FILED_2023[State.MERGED]):
            target = rng.choice(plenary_filed)
            plan = self.new_plan(State.MERGED, Source.MEMBER, target.title.category, True)
            plan.title = self.b.namer.similar(target.title)
            plan.merge_into = target
            target.merged.append(plan)
            merged.append(plan)
        plans = filed + declined + merged + withdrawn
        for plan in plans:
            self.schedule_submission(plan)
        for plan in member_filed[2:5]:
            if plan.proposer != demo_cosigner.user and all(
                m.pk != demo_cosigner.pk for m, _ in plan.cosigners
            ):
                plan.cosigners.append((demo_cosigner, plan.submitted + datetime.timedelta(hours=3)))
        for plan in plans:
            self.schedule_review(plan)
        self.number(filed)
        self.assign_units(filed)
        for plan in filed:
            self.schedule_handling(plan)
        self.choose_key(plenary_filed)
        for plan in filed:
            self.schedule_feedback(plan)
        return plans

    def schedule_submission(self, plan: Plan) -> None:
        rng = self.rng
        if plan.plenary:
            day = datetime.date(2023, 1, 10) + datetime.timedelta(days=rng.randint(0, 3))
            plan.submitted = self.anytime(day)
            plan.created = plan.submitted - datetime.timedelta(
                days=rng.randint(0, 6), hours=rng.randint(0, 10)
            )
        else:
            # Regular proposals until August, so their handling ends within 2023.
            day = datetime.date(2023, 2, 6) + datetime.timedelta(days=rng.randint(0, 205))
            plan.submitted = self.anytime(day)
            plan.created = plan.submitted - datetime.timedelta(
                days=rng.randint(0, 10), hours=rng.randint(0, 10)
            )
        if plan.source == Source.MEMBER and plan.outcome != State.WITHDRAWN:
            count = rng.choices([0, 1, 2, 3, 4, 5], weights=[40, 25, 15, 10, 6, 4])[0]
            pool = rng.sample(self.w.members, count + 1)
            pool = [m for m in pool if m.user_id != plan.proposer.pk]
            for member in pool[:count]:
                plan.cosigners.append(
                    (member, plan.submitted + datetime.timedelta(hours=rng.randint(1, 30)))
                )

    def schedule_review(self, plan: Plan) -> None:
        rng = self.rng
        staff = self.w.staff
        plan.review_staff = rng.choice(staff)
        submitted = plan.submitted
        if plan.outcome == State.WITHDRAWN:
            plan.ended_at = submitted + datetime.timedelta(hours=rng.randint(2, 30))
            return
        if plan.plenary:
            days = [
                datetime.date(2023, 1, 16) + datetime.timedelta(days=rng.randint(0, 4)),
                datetime.date(2023, 1, 30) + datetime.timedelta(days=rng.randint(0, 4)),
                datetime.date(2023, 2, 6) + datetime.timedelta(days=rng.randint(0, 2)),
            ]
        else:
            first = submitted.date() + datetime.timedelta(days=rng.randint(2, 5))
            second = first + datetime.timedelta(days=rng.randint(2, 4))
            days = [first, second, second + datetime.timedelta(days=rng.randint(2, 4))]
        stages = self.rules.review_stages
        if plan.outcome == State.DECLINED:
            at_stage = 0 if rng.random() < 0.3 else 1
        elif plan.outcome == State.MERGED:
            at_stage = 1
        else:
            at_stage = len(stages)
        last = submitted
        for i, stage in enumerate(stages[: at_stage + 1]):
            reviewer = rng.choice(staff)
            moment = self.office(days[i], earliest=last)
            last = moment
            if i < at_stage:
                plan.reviews.append((stage, ReviewDecision.PASS, moment, reviewer))
            elif plan.outcome == State.DECLINED:
                plan.reviews.append((stage, ReviewDecision.DECLINE, moment, reviewer))
                plan.decline_ground = rng.choice(self.rules.decline_grounds)
                if rng.random() < 0.35:
                    code = rng.choice(names.UNITS_BY_CATEGORY[plan.title.category])
                    plan.forwarded_to = self.w.unit_by_code[code]
        if plan.outcome == State.MERGED:
            plan.ended_at = self.office(datetime.date(2023, 2, 20), earliest=last)
        elif plan.outcome == State.CLOSED:
            if plan.plenary:
                day = datetime.date(2023, 2, 13) + datetime.timedelta(days=rng.randint(0, 2))
            else:
                day = last.date() + datetime.timedelta(days=rng.randint(1, 3))
            plan.filed_at = self.office(day, earliest=last)

    def number(self, filed: list[Plan]) -> None:
        """Numbers in filing order, from the session's sequence (as numbering.next_number)."""
        s = self.session
        for seq, plan in enumerate(sorted(filed, key=lambda p: p.filed_at), start=1):
            plan.sequence = seq
            plan.number = self.rules.number_format.format(
                term=s.term, meeting=s.meeting, year=s.year, seq=seq
            )
        NumberSequence.objects.create(session=s, last=len(filed))

    def assign_units(self, filed: list[Plan]) -> None:
        rng = self.rng
        by_code = self.w.unit_by_code
        for plan in filed:
            preferred = [by_code[c] for c in names.UNITS_BY_CATEGORY[plan.title.category]]
            if rng.random() < 0.04:
                for unit in rng.sample(preferred, 2):
                    plan.units.append(UnitPlan(unit, UnitRole.SEPARATE))
                continue
            lead = rng.choice(preferred)
            plan.units.append(UnitPlan(lead, UnitRole.LEAD))
            co_count = rng.choices([0, 1, 2], weights=[65, 25, 10])[0]
            others = [u for u in self.w.units if u.pk != lead.pk]
            for unit in rng.sample(others, co_count):
                plan.units.append(UnitPlan(unit, UnitRole.CO))
        # "78家承办单位": every unit handled at least one proposal.
        used = {u.unit.pk for plan in filed for u in plan.units}
        with_lead = [p for p in filed if p.units[0].role == UnitRole.LEAD]
        for unit in self.w.units:
            if unit.pk in used:
                continue
            plan = rng.choice([p for p in with_lead if len(p.units) < 3])
            plan.units.append(UnitPlan(unit, UnitRole.CO))
            used.add(unit.pk)

    def schedule_handling(self, plan: Plan) -> None:
        rng = self.rng
        if plan.plenary:
            plan.assign_at = self.b.at(datetime.date(2023, 3, 2), 10, rng.randint(0, 59))
        else:
            day = plan.filed_at.date() + datetime.timedelta(days=rng.randint(3, 7))
            plan.assign_at = self.office(day, earliest=plan.filed_at)
        assigned = plan.assign_at.date()
        window_due = self.due("reroute_window_workdays", assigned).due_date
        reply_due = self.due("reply_months", assigned).due_date
        co_due = self.due("co_opinion_months", assigned).due_date
        earliest_reply = plan.assign_at
        for u in plan.units:
            if u.role == UnitRole.CO:
                day = min(assigned + datetime.timedelta(days=rng.randint(5, 25)), co_due)
                u.opinion_at = self.office(day, earliest=plan.assign_at)
                earliest_reply = max(earliest_reply, u.opinion_at)
        for u in plan.units:
            if u.role == UnitRole.CO:
                continue
            day = min(assigned + datetime.timedelta(days=rng.randint(1, 4)), window_due)
            u.accepted_at = self.office(day, earliest=plan.assign_at)
            floor = max(earliest_reply, u.accepted_at)
            if rng.random() < 0.6:
                day = u.accepted_at.date() + datetime.timedelta(days=rng.randint(1, 10))
                u.communication_at = self.office(day, earliest=u.accepted_at)
                u.method = rng.choice(COMMUNICATION_METHODS)
                floor = max(floor, u.communication_at)
            lo, hi = (50, 85) if plan.plenary else (25, 80)
            day = assigned + datetime.timedelta(days=rng.randint(lo, hi))
            day = max(min(day, LAST_REPLY_2023), floor.date() + ONE_DAY)
            u.reply_at = self.office(day, earliest=floor)
            if u.reply_at.date() >= reply_due:  # all 618 answered on time
                u.reply_at = self.b.at(reply_due - ONE_DAY, 16, rng.randint(0, 59))
            u.classification = rng.choices(
                list(REPLY_CLASS_WEIGHTS), weights=list(REPLY_CLASS_WEIGHTS.values())
            )[0]

    def choose_key(self, plenary_filed: list[Plan]) -> None:
        rng = self.rng
        leader, *others = self.w.supervisors
        for i, plan in enumerate(rng.sample(plenary_filed, KEY_PROPOSALS_2023)):
            plan.key_at = self.b.at(datetime.date(2023, 3, 16), 10, i % 60)
            first = leader if rng.random() < 0.5 else rng.choice(others)
            plan.supervisors = [first]
            if rng.random() < 0.3:
                plan.supervisors.append(rng.choice([u for u in others if u != first]))
            first_reply = min(u.reply_at for u in plan.units if u.reply_at)
            start = plan.key_at.date() + datetime.timedelta(days=7)
            span = (first_reply.date() - start).days - 1
            for _ in range(rng.randint(1, 2)):
                if span < 1:
                    break
                day = start + datetime.timedelta(days=rng.randint(0, span))
                moment = self.office(day, earliest=plan.key_at)
                if moment >= first_reply:
                    continue
                plan.supervisions.append(
                    (rng.choice(plan.supervisors), moment, rng.choice(names.SUPERVISION_TEXTS))
                )
            plan.supervisions.sort(key=lambda s: s[1])

    def schedule_feedback(self, plan: Plan) -> None:
        rng = self.rng
        replied = plan.replied_at
        window_due = self.due("feedback_months", replied.date()).due_date
        day = replied.date() + datetime.timedelta(days=rng.randint(2, 20))
        day = min(day, window_due, LAST_FEEDBACK_2023)
        moment = self.anytime(day)
        if moment <= replied:
            moment = replied + datetime.timedelta(hours=rng.randint(1, 6))
        plan.feedback_at = moment
        result = rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED], weights=[85, 15]
        )[0]
        communication = rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED], weights=[92, 8]
        )[0]
        plan.satisfaction = (communication, result)

    # -- writing --

    def write(self, plans: list[Plan]) -> None:
        w, namer = self.w, self.b.namer
        filed = [p for p in plans if p.outcome == State.CLOSED]
        for plan in plans:
            plan.proposal = Proposal(
                committee=w.committee,
                session=self.session,
                kind=Kind.PLENARY
                if self.session.is_plenary(plan.submitted.date())
                else Kind.REGULAR,
                title=plan.title.text,
                background=namer.background(plan.title),
                suggestions=namer.suggestions(plan.title),
                category=plan.title.category,
                topic=w.topics[(plan.title.category, plan.title.topic)],
                source=plan.source,
                proposer=plan.proposer,
                organization=plan.organization,
                sector=plan.sector,
                state=plan.outcome,
                number=plan.number,
                sequence=plan.sequence,
                is_key=plan.key_at is not None,
                decline_ground=plan.decline_ground,
                forwarded_to=plan.forwarded_to,
                handling_round=1 if plan.outcome == State.CLOSED else 0,
                created_at=plan.created,
                updated_at=plan.created,
                submitted_at=plan.submitted,
                filed_at=plan.filed_at,
                replied_at=plan.replied_at,
                closed_at=plan.feedback_at,
            )
        _bulk(Proposal, [p.proposal for p in plans])
        _bulk(
            Cosigner,
            [
                Cosigner(
                    proposal=plan.proposal,
                    member=member,
                    status=CosignerStatus.CONFIRMED,
                    invited_at=plan.created,
                    responded_at=at,
                )
                for plan in plans
                for member, at in plan.cosigners
            ],
        )
        _bulk(
            Review,
            [
                Review(
                    proposal=plan.proposal,
                    stage=stage,
                    decision=decision,
                    opinion=self.review_opinion(decision),
                    reviewer=reviewer,
                    created_at=at,
                )
                for plan in plans
                for stage, decision, at, reviewer in plan.reviews
            ],
        )
        unit_plans = [u for plan in filed for u in plan.units]
        owner = {id(u): plan for plan in filed for u in plan.units}
        for u in unit_plans:
            plan = owner[id(u)]
            u.assignment = Assignment(
                proposal=plan.proposal,
                unit=u.unit,
                role=u.role,
                status=AssignmentStatus.OPINION_GIVEN
                if u.role == UnitRole.CO
                else AssignmentStatus.REPLIED,
                assigned_on=plan.assign_at.date(),
                accepted_at=u.accepted_at,
                created_at=plan.assign_at,
            )
        _bulk(Assignment, [u.assignment for u in unit_plans])
        self.write_deadlines(filed)
        for u in unit_plans:
            handler = w.unit_users[u.unit.pk]
            plan = owner[id(u)]
            if u.opinion_at:
                u.opinion = UnitOpinion(
                    assignment=u.assignment,
                    round=1,
                    content=self.rng.choice(names.OPINION_TEXTS),
                    created_by=handler,
                    created_at=u.opinion_at,
                )
            if u.communication_at:
                u.communication = Communication(
                    assignment=u.assignment,
                    kind=CommunicationKind.BEFORE,
                    method=u.method,
                    date=u.communication_at.date(),
                    content=self.rng.choice(names.COMMUNICATION_TEXTS),
                    recorded_by=handler,
                    created_at=u.communication_at,
                )
            if u.reply_at:
                u.reply = Reply(
                    assignment=u.assignment,
                    round=1,
                    classification=u.classification,
                    content=namer.reply_text(plan.title.text, u.classification),
                    signed_by=w.unit_signers[u.unit.pk],
                    reply_date=u.reply_at.date(),
                    created_by=handler,
                    created_at=u.reply_at,
                )
        _bulk(UnitOpinion, [u.opinion for u in unit_plans if u.opinion])
        _bulk(Communication, [u.communication for u in unit_plans if u.communication])
        _bulk(Reply, [u.reply for u in unit_plans if u.reply])
        for plan in filed:
            communication, result = plan.satisfaction
            plan.feedback_row = Feedback(
                proposal=plan.proposal,
                round=1,
                user=plan.proposer,
                is_decisive=True,
                communication=communication,
                result=result,
                created_at=plan.feedback_at,
            )
            plan.supervision_rows = [
                Supervision(
                    proposal=plan.proposal,
                    supervisor=who,
                    date=at.date(),
                    content=text,
                    created_at=at,
                )
                for who, at, text in plan.supervisions
            ]
        _bulk(Feedback, [p.feedback_row for p in filed])
        _bulk(Supervision, [s for p in filed for s in p.supervision_rows])
        through = Proposal.supervisors.through
        through.objects.bulk_create(
            [through(proposal_id=p.proposal.pk, user_id=u.pk) for p in filed for u in p.supervisors]
        )
        rows = [row for plan in plans for row in self.audit_trail(plan)]
        ProposalEvent.objects.bulk_create(rows, batch_size=BATCH)
        for plan in plans:
            if plan.merge_into is not None:
                plan.proposal.merged_into = plan.merge_into.proposal
        Proposal.objects.bulk_update(
            [p.proposal for p in plans],
            ["created_at", "updated_at", "merged_into", "version"],
            batch_size=BATCH,
        )

    @staticmethod
    def review_opinion(decision: str) -> str:
        if decision == ReviewDecision.PASS:
            return "符合立案条件，同意。"
        return "经审查，不符合立案条件。"

    def write_deadlines(self, filed: list[Plan]) -> None:
        rows = []

        def deadline(plan, u, rule_field, start, met_at) -> Deadline:
            computed = self.due(rule_field, start)
            return Deadline(
                proposal=plan.proposal,
                assignment=u.assignment if u else None,
                kind=deadline_rules.RULE_FIELDS[rule_field][0],
                start_date=start,
                due_date=computed.due_date,
                rule=computed.rule,
                computation=computed.computation,
                is_open=False,
                met_at=met_at,
                created_at=plan.assign_at if u else plan.replied_at,
            )

        for plan in filed:
            start = plan.assign_at.date()
            for u in plan.units:
                if u.role == UnitRole.CO:
                    rows.append(deadline(plan, u, "reroute_window_workdays", start, u.opinion_at))
                    rows.append(deadline(plan, u, "co_opinion_months", start, u.opinion_at))
                else:
                    rows.append(deadline(plan, u, "reroute_window_workdays", start, u.accepted_at))
                    rows.append(deadline(plan, u, "reply_months", start, u.reply_at))
            rows.append(
                deadline(plan, None, "feedback_months", plan.replied_at.date(), plan.feedback_at)
            )
        _bulk(Deadline, rows)

    def audit_trail(self, plan: Plan) -> list[ProposalEvent]:
        """The audit trail the services would have written, in time order."""
        p = plan.proposal
        staff = plan.review_staff
        raw: list[tuple[datetime.datetime, User | None, Event, str | None, bool]] = []

        def add(at, actor, event: Event, to_state=None, bump=True) -> None:
            raw.append((at, actor, event, to_state, bump))

        add(plan.created, plan.proposer, events.created(), State.DRAFT, bump=False)
        add(
            plan.submitted,
            plan.proposer,
            events.submitted(self.session.pk, p.kind),
            State.SUBMITTED,
        )
        for member, at in plan.cosigners:
            add(at, member.user, events.cosigner_answered(member.pk, member.name, confirmed=True))
        for stage, decision, at, reviewer in plan.reviews:
            if decision == ReviewDecision.PASS:
                add(at, reviewer, events.reviewed(stage, decision), State.UNDER_REVIEW)
            else:
                unit = plan.forwarded_to
                declined = events.reviewed(
                    stage,
                    decision,
                    ground=plan.decline_ground,
                    forwarded_to=unit.pk if unit else None,
                    forwarded_to_name=unit.name if unit else "",
                )
                add(at, reviewer, declined, State.DECLINED)
        if plan.outcome == State.WITHDRAWN:
            add(plan.ended_at, plan.proposer, events.withdrawn(), State.WITHDRAWN)
        if plan.outcome == State.MERGED:
            target = plan.merge_into.proposal
            add(plan.ended_at, staff, events.merged(target.pk, str(target)), State.MERGED)
            closed = events.group_closed(target.pk, target.title)
            add(plan.merge_into.feedback_at, plan.merge_into.proposer, closed, bump=False)
        if plan.outcome == State.CLOSED:
            self.handling_events(plan, add)
        raw.sort(key=lambda r: r[0])
        rows, state, bumps = [], "", 0
        for at, actor, event, to_state, bump in raw:
            previous = state
            state = to_state or state
            bumps += bump
            rows.append(
                ProposalEvent(
                    proposal=p,
                    actor=actor,
                    action=event.kind,
                    from_state=previous if event.kind != EventKind.CREATE else "",
                    to_state=state,
                    data=event.data,
                    created_at=at,
                )
            )
        p.version = 1 + bumps
        p.updated_at = raw[-1][0]
        return rows

    def handling_events(self, plan: Plan, add) -> None:
        p = plan.proposal
        staff = plan.review_staff
        add(plan.filed_at, staff, events.filed(p.number), State.FILED)
        for merged in plan.merged:
            event = events.merged_in([merged.proposal.pk], merged.title.text, "")
            add(merged.ended_at, staff, event, bump=False)
        plan_units = ((u.unit.pk, u.unit.name, u.role) for u in plan.units)
        add(plan.assign_at, staff, events.assigned(plan_units), State.ASSIGNED)
        if plan.key_at:
            leaders = sorted(plan.supervisors, key=lambda u: u.pk)
            event = events.marked_key([u.pk for u in leaders], [str(u) for u in leaders])
            add(plan.key_at, staff, event)
        for row in plan.supervision_rows:
            add(row.created_at, row.supervisor, events.supervised(row.pk, row.content))
        replying = [u for u in plan.units if u.role != UnitRole.CO]
        last_reply = max(u.reply_at for u in replying)
        for u in plan.units:
            handler = self.w.unit_users[u.unit.pk]
            a, name = u.assignment, u.unit.name
            if u.opinion:
                add(u.opinion_at, handler, events.opinion_given(a.pk, name, u.opinion.pk))
            if u.accepted_at:
                add(u.accepted_at, handler, events.accepted(a.pk, name))
            if u.communication:
                event = events.communicated(
                    a.pk, name, u.communication.pk, CommunicationKind.BEFORE, u.method
                )
                add(u.communication_at, handler, event)
            if u.reply:
                event = events.replied(a.pk, name, u.reply.pk, u.classification)
                add(u.reply_at, handler, event, State.REPLIED if u.reply_at == last_reply else None)
        communication, result = plan.satisfaction
        event = events.feedback_given(plan.feedback_row.pk, communication, result, closed=True)
        add(plan.feedback_at, plan.proposer, event, State.CLOSED)


# ---- the live session: driven through the services -------------------------------------------


Steps = Generator[datetime.datetime, None, Proposal]


@dataclass
class Track:
    """One proposal's own timeline: its steps never go back before its last one."""

    last: datetime.datetime | None = None


@dataclass
class Scenario:
    """One live proposal and how far it goes (see :data:`LiveWork.TARGETS`)."""

    target: str
    proposer: User
    lead: HandlingUnit | None = None
    co: tuple[HandlingUnit, ...] = ()
    cosigners: tuple[Member, ...] = ()
    pending: tuple[Member, ...] = ()  # invited co-signers who have not answered
    category: str | None = None
    label: str = ""
    into: str = ""  # the label of the proposal a merged one joins


class LiveWork:
    """Drives proposals of one committee through the services, each step on its own day.

    Days are counted back from ``today``; staff and unit steps fall on working days.
    """

    # Days before today the proposal was assigned (交办), by target.
    ASSIGN_AGO: dict[str, tuple[int, int]] = {
        "assigned_new": (1, 2),
        "reroute": (2, 2),
        "co_waiting": (15, 25),
        "key": (40, 50),
        "replied": (60, 75),
        "due_soon": (76, 80),
        "extended": (86, 88),
        "overdue": (100, 125),
        "rehandling": (105, 112),
        "closed_timeout": (115, 125),
        "closed": (120, 160),
        "closed_rehandled": (165, 172),
    }
    # Days before today the proposal was submitted, for targets that stop before assignment.
    SUBMIT_AGO: dict[str, tuple[int, int]] = {
        "draft": (1, 6),
        "invited": (1, 4),
        "submitted": (3, 6),
        "review1": (8, 14),
        "review2": (10, 16),
        "returned": (10, 20),
        "declined": (15, 30),
        "forwarded": (15, 30),
        "withdrawn": (5, 15),
        "merged": (12, 14),
        "transferred": (6, 10),
        "filed": (18, 25),
    }
    TARGETS = frozenset(ASSIGN_AGO) | frozenset(SUBMIT_AGO)
    # Review stages passed before the target's own step.
    PASSED_STAGES: dict[str, int] = {
        "review1": 1,
        "review2": 2,
        "returned": 0,
        "declined": 1,
        "forwarded": 1,
        "merged": 1,
    }

    def __init__(
        self,
        builder: WorldBuilder,
        w: CommitteeWorld,
        rng: random.Random,
        transfer_to: Committee | None = None,
    ) -> None:
        self.b = builder
        self.w = w
        self.rng = rng
        self.today = builder.today
        self.transfer_to = transfer_to
        self.done: dict[str, Proposal] = {}
        self._titles: dict[int, Title] = {}
        self.place = "我市" if w.committee.level == Committee.Level.CITY else "我区"

    # -- scripts --

    def other_members(self, count: int, exclude: Sequence[User] = ()) -> list[Member]:
        skip = {u.pk for u in exclude} | {u.pk for u in self.w.demo.values()}
        pool = [m for m in self.w.members if m.user_id not in skip]
        return self.rng.sample(pool, count)

    def city_script(self) -> list[Scenario]:
        w = self.w
        member, minge = w.demo["member"], w.demo["minge"]
        cosigner = w.member_of(w.demo["cosigner"])
        fgw, jyj = w.unit_by_code["fgw"], w.unit_by_code["jyj"]
        eco, soc = Category.ECONOMIC, Category.SOCIAL

        def others(count: int, proposer: User) -> list[Member]:
            return self.other_members(count, [proposer])

        def anyone() -> User:
            return self.other_members(1)[0].user

        def pick_unit(exclude: Sequence[HandlingUnit] = ()) -> HandlingUnit:
            return self.rng.choice([u for u in w.units if u not in exclude and u not in (fgw, jyj)])

        S = Scenario
        script = [
            S("draft", member),
            S("draft", minge),
            S("draft", anyone()),
            S("draft", anyone()),
            S("invited", member, cosigners=tuple(others(1, member)), pending=(cosigner,)),
            S("invited", anyone(), pending=(cosigner,)),
            S("invited", anyone(), pending=tuple(self.other_members(1))),
            S("submitted", anyone()),
            S("submitted", minge),
            S("review1", anyone()),
            S("review1", minge),
            S("review2", member, cosigners=(cosigner,)),
            S("review2", anyone()),
            S("returned", member),
            S("returned", anyone()),
            S("declined", anyone()),
            S("declined", anyone()),
            S("forwarded", anyone()),
            S("withdrawn", anyone()),
            S("transferred", anyone()),
            S("filed", member, cosigners=(cosigner,)),
            S("filed", anyone(), label="merge-target"),
            S("filed", minge),
            S("merged", anyone(), into="merge-target"),
            S("assigned_new", anyone(), lead=fgw, category=eco),
            S("assigned_new", anyone(), lead=jyj, category=soc),
            S("reroute", anyone(), lead=jyj, category=eco),
            S("co_waiting", member, lead=fgw, co=(jyj,), category=eco),
            S("due_soon", anyone(), lead=fgw, category=eco),
            S("due_soon", minge, lead=jyj, category=soc),
            S("due_soon", anyone()),
            S("overdue", member, lead=fgw, category=eco, cosigners=(cosigner,)),
            S("overdue", anyone(), lead=fgw, co=(pick_unit(),), category=eco),
            S("extended", anyone(), lead=fgw, category=eco),
            S("key", minge, lead=fgw, co=(pick_unit(),), category=eco),
            S("replied", member, lead=fgw, category=eco),
            S("replied", minge, lead=jyj, category=soc),
            S("replied", anyone(), co=(pick_unit(),)),
            S("replied", anyone()),
            S("rehandling", anyone(), lead=jyj, category=soc),
            S("rehandling", anyone()),
            S("closed", member, lead=jyj, category=soc, cosigners=(cosigner,)),
            S("closed", anyone(), lead=fgw, category=eco),
            S("closed", anyone(), co=(pick_unit(),)),
            S("closed", anyone()),
            S("closed_rehandled", anyone()),
            S("closed_timeout", anyone()),
        ]
        for sc in script:
            alone = sc.proposer.organization_id is None and not (sc.cosigners or sc.pending)
            if alone and sc.target not in ("draft", "invited") and self.rng.random() < 0.5:
                sc.cosigners = tuple(self.other_members(self.rng.randint(1, 2), [sc.proposer]))
        return script

    def county_script(self) -> list[Scenario]:
        targets = [
            "draft",
            "draft",
            "invited",
            "submitted",
            "review1",
            "returned",
            "declined",
            "filed",
            "filed",
            "assigned_new",
            "due_soon",
            "overdue",
            "replied",
            "closed",
            "closed",
            "closed",
        ]
        script = []
        for target in targets:
            proposer, *rest = self.other_members(3)
            pending = (rest[0],) if target == "invited" else ()
            cosigners = (rest[1],) if self.rng.random() < 0.5 else ()
            script.append(Scenario(target, proposer.user, cosigners=cosigners, pending=pending))
        org = self.w.organizations[0]
        script.append(Scenario("replied", self.w.contacts[org.pk]))
        return script

    def drives(self, script: list[Scenario]) -> list[Steps]:
        for sc in script:
            assert sc.target in self.TARGETS, sc.target
        return [self.drive(sc) for sc in script]

    # -- the clock --

    def when(
        self, track: Track, ago: int, office: bool = True, hour: int | None = None
    ) -> datetime.datetime:
        """The moment ``ago`` days before today, never before this proposal's last step.

        Staff and unit steps (``office``) fall in office hours on a working day.
        """
        floor = track.last.date() if track.last else None
        day = self.today - datetime.timedelta(days=ago)
        if office:
            while not self.w.calendar.is_workday(day) and (floor is None or day > floor):
                day -= ONE_DAY
        if floor is not None and day < floor:
            day = floor
        if hour is None:
            hour = self.rng.randint(9, 16) if office else self.rng.randint(8, 21)
        moment = self.b.at(day, hour, self.rng.randint(0, 59))
        if track.last is not None and moment <= track.last:
            moment = track.last + datetime.timedelta(minutes=self.rng.randint(5, 40))
        track.last = moment
        return moment

    # -- one proposal --

    def staff(self) -> User:
        return self.w.staff[0] if self.rng.random() < 0.7 else self.rng.choice(self.w.staff)

    def drive(self, sc: Scenario) -> Steps:
        """One proposal's life up to ``sc.target``; yields the moment of each next step."""
        rng, w, t, namer = self.rng, self.w, sc.target, self.b.namer
        track = Track()
        if t in self.ASSIGN_AGO:
            assign_ago = rng.randint(*self.ASSIGN_AGO[t])
            submit_ago = assign_ago + 16
        else:
            assign_ago = None
            submit_ago = rng.randint(*self.SUBMIT_AGO[t])
        at = self.when(track, submit_ago + rng.randint(0, 3), office=False)
        yield at
        into = self.done.get(sc.into) if sc.into else None
        if into is not None:
            title = namer.similar(self._titles[into.pk])
        else:
            title = namer.title(sc.category or namer.category(), self.place)
        category = title.category
        p = drafting.create_draft(
            sc.proposer,
            {
                "title": title.text,
                "background": namer.background(title, self.place),
                "suggestions": namer.suggestions(title),
                "category": category,
                "topic": w.topics[(category, title.topic)],
            },
            cosigners=[m.pk for m in (*sc.cosigners, *sc.pending)],
            today=at.date(),
        )
        self._titles[p.pk] = title
        if sc.label:
            self.done[sc.label] = p
        if t == "draft":
            return p
        at = self.when(track, submit_ago, office=False)
        yield at
        drafting.submit(sc.proposer, p, today=at.date())
        for i, member in enumerate(sc.cosigners):
            yield self.when(track, max(submit_ago - 1, 1), office=False)
            if t == "submitted" and i == 0 and len(sc.cosigners) > 1:
                drafting.decline_cosign(member.user, p)
            else:
                drafting.cosign(member.user, p)
        if t == "invited":
            return p
        if t == "withdrawn":
            yield self.when(track, submit_ago - 2, office=False)
            return drafting.withdraw(sc.proposer, p, "提案人申请撤回，拟修改完善后再提交")
        if t == "transferred":
            yield self.when(track, submit_ago - 3)
            review.transfer(self.staff(), p, self.transfer_to, "所提事项属区级事权，转交区政协办理")
            p.refresh_from_db()
            return p
        if t == "submitted":
            return p
        stages = len(w.rules.review_stages)
        passes = self.PASSED_STAGES.get(t, stages)
        passes = min(passes, stages - 1) if t in ("declined", "forwarded") else passes
        for i in range(passes):
            yield self.when(track, submit_ago - 3 * (i + 1))
            stage = conditions.next_review_stage(p)
            review.review(self.staff(), p, stage=stage, decision=ReviewDecision.PASS, opinion=OK)
        if t in ("review1", "review2"):
            return p
        if t == "returned":
            yield self.when(track, submit_ago - 3)
            return review.review(
                self.staff(),
                p,
                stage=conditions.next_review_stage(p),
                decision=ReviewDecision.RETURN,
                opinion="具体建议不够明确，请补充完善后再提交。",
            )
        if t in ("declined", "forwarded"):
            yield self.when(track, submit_ago - 3 * (passes + 1))
            return review.review(
                self.staff(),
                p,
                stage=conditions.next_review_stage(p),
                decision=ReviewDecision.DECLINE,
                decline_ground=rng.choice(w.rules.decline_grounds),
                forward_to=rng.choice(w.units) if t == "forwarded" else None,
            )
        if t == "merged":
            yield self.when(track, 1)
            return review.merge(self.staff(), p, into, comment="内容相近，并案办理")
        yield self.when(track, rng.randint(2, 5) if assign_ago is None else assign_ago + 4)
        review.file(self.staff(), p)
        if t == "filed":
            return p
        return (yield from self.handle(sc, p, track, assign_ago))

    def handle(self, sc: Scenario, p: Proposal, track: Track, assign_ago: int) -> Steps:
        rng, w, t = self.rng, self.w, sc.target
        by_category = (
            names.UNITS_BY_CATEGORY
            if w.committee.level == Committee.Level.CITY
            else names.COUNTY_UNITS_BY_CATEGORY
        )
        preferred = [w.unit_by_code[c] for c in by_category[p.category] if c in w.unit_by_code]
        lead = sc.lead or rng.choice(preferred or w.units)
        at = self.when(track, assign_ago)
        yield at
        handling.assign(
            self.staff(), p, lead_unit=lead.pk, co_units=[u.pk for u in sc.co], today=at.date()
        )
        lead_assignment = p.assignments.get(unit=lead)
        handler = w.unit_users[lead.pk]
        if t == "assigned_new":
            return p
        if t == "reroute":
            yield self.when(track, assign_ago - 1)
            handling.request_reassignment(
                handler,
                lead_assignment,
                "该提案所提事项主要涉及产业政策，建议改由市发展和改革委员会主办。",
            )
            return p
        yield self.when(track, assign_ago - rng.randint(1, 2))
        handling.accept(handler, lead_assignment)
        if t != "co_waiting":
            for unit in sc.co:
                yield self.when(track, assign_ago - rng.randint(5, 12))
                handling.give_opinion(
                    w.unit_users[unit.pk],
                    p.assignments.get(unit=unit),
                    rng.choice(names.OPINION_TEXTS),
                )
        if assign_ago >= 10:
            at = self.when(track, assign_ago - rng.randint(3, 9))
            yield at
            handling.communicate(
                handler,
                lead_assignment,
                kind=CommunicationKind.BEFORE,
                method=rng.choice([CommunicationMethod.PHONE, CommunicationMethod.MEETING]),
                date=at.date(),
                content=rng.choice(names.COMMUNICATION_TEXTS),
            )
        if t == "key":
            leader = w.demo.get("leader") or w.supervisors[0]
            others = [u.pk for u in w.supervisors if u != leader]
            yield self.when(track, assign_ago - 8)
            supervision.mark_key(self.staff(), p, [leader.pk, *others[:1]])
            at = self.when(track, 5)
            yield at
            content = rng.choice(names.SUPERVISION_TEXTS)
            supervision.supervise(leader, p, content=content, date=at.date())
            return p
        if t in ("co_waiting", "due_soon", "overdue"):
            return p
        if t == "extended":
            yield self.when(track, 2)
            due = lead_assignment.deadlines.get(kind=DeadlineKind.REPLY, is_open=True).due_date
            handling.extend(
                self.staff(),
                p,
                due_date=due + datetime.timedelta(days=30),
                reason="涉及多部门协调和专项资金安排，申请延期答复。",
            )
            return p
        first_reply = {
            "replied": rng.randint(3, 12),
            "rehandling": 35,
            "closed_timeout": 50,
            "closed": assign_ago - rng.randint(40, 75),
            "closed_rehandled": assign_ago - 60,
        }[t]
        yield from self.reply(p, lead_assignment, track, first_reply)
        if t == "replied":
            return p
        proposer = sc.proposer
        if t == "closed_timeout":
            # What the nightly job does once the feedback window has passed.
            yield self.when(track, 0, office=False, hour=2)
            return feedback.close(None, p, today=self.today)
        if t in ("rehandling", "closed_rehandled"):
            yield self.when(track, first_reply - 10, office=False)
            feedback.give_feedback(
                proposer,
                p,
                communication=Satisfaction.SATISFIED,
                result=Satisfaction.DISSATISFIED,
                comment="答复未针对提案所提具体问题，措施不够具体，请重新办理。",
            )
            if t == "rehandling":
                return p
            first_reply -= 30
            yield from self.reply(p, lead_assignment, track, first_reply, classification="A")
        yield self.when(track, max(first_reply - rng.randint(3, 15), 1), office=False)
        result = rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED], weights=[80, 20]
        )[0]
        feedback.give_feedback(proposer, p, communication=Satisfaction.SATISFIED, result=result)
        p.refresh_from_db()
        return p

    def reply(
        self,
        p: Proposal,
        assignment: Assignment,
        track: Track,
        ago: int,
        classification: str | None = None,
    ) -> Iterator[datetime.datetime]:
        rng = self.rng
        classification = (
            classification
            or rng.choices(list(REPLY_CLASS_WEIGHTS), weights=list(REPLY_CLASS_WEIGHTS.values()))[0]
        )
        yield self.when(track, ago)
        handling.reply(
            self.w.unit_users[assignment.unit_id],
            assignment,
            classification=classification,
            content=self.b.namer.reply_text(p.title, classification),
            signed_by=self.w.unit_signers[assignment.unit_id],
        )


def run_in_time_order(clock: SimulatedClock, drives: list[Steps]) -> None:
    """Interleave the proposals' steps by their moments, setting the clock before each.

    So filing numbers, ids and the audit log follow the dates, across all committees.
    """
    queue: list[tuple[datetime.datetime, int, Steps]] = []
    for order, steps in enumerate(drives):
        heapq.heappush(queue, (next(steps), order, steps))
    while queue:
        moment, order, steps = heapq.heappop(queue)
        clock.set(moment)
        with suppress(StopIteration):
            heapq.heappush(queue, (next(steps), order, steps))
