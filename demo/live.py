"""The live session: proposals driven through the services, each step on its own simulated day."""

from __future__ import annotations

import datetime
import heapq
import random
from collections.abc import Generator, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from committees.models import Committee, HandlingUnit
from demo import names
from demo.clock import SimulatedClock
from demo.figures import OK, ONE_DAY, REPLY_CLASS_WEIGHTS
from demo.plans import lead_for_topic
from demo.texts import Content
from members.models import Member, User
from proposals import conditions
from proposals.choices import (
    Category,
    CommunicationKind,
    CommunicationMethod,
    DeadlineKind,
    ReviewDecision,
    Satisfaction,
)
from proposals.models import Assignment, Proposal
from proposals.services import drafting, feedback, handling, review, supervision

if TYPE_CHECKING:
    from demo.world import CommitteeWorld, WorldBuilder


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
        self._contents: dict[int, Content] = {}
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
            # Two proposals saying the same thing, waiting for review: the merge queue's.
            S("review1", anyone(), label="twin"),
            S("submitted", anyone(), into="twin"),
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
        rng, t = self.rng, sc.target
        track = Track()
        if t in self.ASSIGN_AGO:
            assign_ago = rng.randint(*self.ASSIGN_AGO[t])
            submit_ago = assign_ago + 16
        else:
            assign_ago = None
            submit_ago = rng.randint(*self.SUBMIT_AGO[t])
        p = yield from self.compose(sc, track, submit_ago)
        if t == "draft":
            return p
        yield from self.submit(sc, p, track, submit_ago)
        if t in ("invited", "submitted", "withdrawn", "transferred"):
            return (yield from self.end_before_review(sc, p, track, submit_ago))
        ended = yield from self.review(sc, p, track, submit_ago)
        if ended is not None:
            return ended
        yield self.when(track, rng.randint(2, 5) if assign_ago is None else assign_ago + 4)
        review.file(self.staff(), p)
        if t == "filed":
            return p
        return (yield from self.handle(sc, p, track, assign_ago))

    def compose(self, sc: Scenario, track: Track, submit_ago: int) -> Steps:
        """The draft: like an earlier one when it is to be merged into it."""
        rng, w, namer = self.rng, self.w, self.b.namer
        at = self.when(track, submit_ago + rng.randint(0, 3), office=False)
        yield at
        into = self.done.get(sc.into) if sc.into else None
        if into is not None:
            content = namer.retold(self._contents[into.pk])
        else:
            content = namer.content(namer.title(sc.category or namer.category(), self.place))
        title, category = content.title, content.title.category
        p = drafting.create_draft(
            sc.proposer,
            {
                "title": title.text,
                "background": namer.background(content, self.place),
                "suggestions": namer.suggestions(content),
                "category": category,
                "topic": w.topics[(category, title.topic)],
            },
            cosigners=[m.pk for m in (*sc.cosigners, *sc.pending)],
            today=at.date(),
        )
        self._contents[p.pk] = content
        if sc.label:
            self.done[sc.label] = p
        return p

    def submit(self, sc: Scenario, p: Proposal, track: Track, submit_ago: int) -> Steps:
        """Submitted, and the co-signers answer (one declines when the target says so)."""
        at = self.when(track, submit_ago, office=False)
        yield at
        drafting.submit(sc.proposer, p, today=at.date())
        for i, member in enumerate(sc.cosigners):
            yield self.when(track, max(submit_ago - 1, 1), office=False)
            if sc.target == "submitted" and i == 0 and len(sc.cosigners) > 1:
                drafting.decline_cosign(member.user, p)
            else:
                drafting.cosign(member.user, p)

    def end_before_review(self, sc: Scenario, p: Proposal, track: Track, submit_ago: int) -> Steps:
        """Lives that end before review: waiting, withdrawn, transferred."""
        if sc.target == "withdrawn":
            yield self.when(track, submit_ago - 2, office=False)
            return drafting.withdraw(sc.proposer, p, "提案人申请撤回，拟修改完善后再提交")
        if sc.target == "transferred":
            yield self.when(track, submit_ago - 3)
            review.transfer(self.staff(), p, self.transfer_to, "所提事项属区级事权，转交区政协办理")
            p.refresh_from_db()
        return p

    def review(self, sc: Scenario, p: Proposal, track: Track, submit_ago: int) -> Steps:
        """The review stages; returns the proposal when its life ends in review (returned,
        declined, merged, or waiting at a stage), None when it goes on to filing."""
        rng, w, t = self.rng, self.w, sc.target
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
            into = self.done.get(sc.into) if sc.into else None
            return review.merge(self.staff(), p, into, comment="内容相近，并案办理")
        return None

    def handle(self, sc: Scenario, p: Proposal, track: Track, assign_ago: int) -> Steps:
        """From 交办 to where ``sc.target`` stops: the lead unit's work, then feedback."""
        t = sc.target
        lead_assignment = yield from self.assign(sc, p, track, assign_ago)
        if t in ("assigned_new", "reroute"):
            return p
        yield from self.accept_and_consult(sc, p, lead_assignment, track, assign_ago)
        if t == "key":
            yield from self.supervise(p, track, assign_ago)
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
        return (yield from self.reply_and_feedback(sc, p, lead_assignment, track, assign_ago))

    def assign(self, sc: Scenario, p: Proposal, track: Track, assign_ago: int) -> Steps:
        """交办 to a unit that fits the category (or the scenario's); the lead's assignment."""
        rng, w = self.rng, self.w
        by_category = (
            names.UNITS_BY_CATEGORY
            if w.committee.level == Committee.Level.CITY
            else names.COUNTY_UNITS_BY_CATEGORY
        )
        preferred = [w.unit_by_code[c] for c in by_category[p.category] if c in w.unit_by_code]
        city = w.committee.level == Committee.Level.CITY
        topic_units = [w.unit_by_code[c] for c in names.TOPIC_UNITS[p.topic.name]] if city else []
        if sc.lead:
            lead = sc.lead
        elif topic_units:
            lead = lead_for_topic(rng, topic_units, w.unit_by_code, p.category)
        else:
            lead = rng.choice(preferred or w.units)
        at = self.when(track, assign_ago)
        yield at
        handling.assign(
            self.staff(), p, lead_unit=lead.pk, co_units=[u.pk for u in sc.co], today=at.date()
        )
        lead_assignment = p.assignments.get(unit=lead)
        if sc.target == "reroute":
            yield self.when(track, assign_ago - 1)
            handling.request_reassignment(
                w.unit_users[lead.pk],
                lead_assignment,
                "该提案所提事项主要涉及产业政策，建议改由市发展和改革委员会主办。",
            )
        return lead_assignment

    def accept_and_consult(
        self, sc: Scenario, p: Proposal, lead_assignment: Assignment, track: Track, assign_ago: int
    ) -> Steps:
        """签收, the co-units' opinions (unless the target waits for them), a first talk."""
        rng, w = self.rng, self.w
        handler = w.unit_users[lead_assignment.unit_id]
        yield self.when(track, assign_ago - rng.randint(1, 2))
        handling.accept(handler, lead_assignment)
        if sc.target != "co_waiting":
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

    def supervise(self, p: Proposal, track: Track, assign_ago: int) -> Steps:
        """A key proposal: its supervisors named, and the leader's first supervision."""
        w = self.w
        leader = w.demo.get("leader") or w.supervisors[0]
        others = [u.pk for u in w.supervisors if u != leader]
        yield self.when(track, assign_ago - 8)
        supervision.mark_key(self.staff(), p, [leader.pk, *others[:1]])
        at = self.when(track, 5)
        yield at
        content = self.rng.choice(names.SUPERVISION_TEXTS)
        supervision.supervise(leader, p, content=content, date=at.date())

    def reply_and_feedback(
        self, sc: Scenario, p: Proposal, lead_assignment: Assignment, track: Track, assign_ago: int
    ) -> Steps:
        """答复, and the proposer's feedback: satisfied, or once not (重新办理), or silent."""
        rng, t = self.rng, sc.target
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
