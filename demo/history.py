"""2023 written in bulk: every proposal of the report, row for row as the services would
have left it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from demo import names
from demo.audit_trail import audit_trail
from demo.figures import (
    BATCH,
    COMMUNICATION_METHODS,
    FILED_BY_CATEGORY_2023,
    FILED_BY_SOURCE_2023,
    KEY_PROPOSALS_2023,
    LAST_FEEDBACK_2023,
    LAST_REPLY_2023,
    NOT_FILED_2023,
    ONE_DAY,
    PLENARY_SHARE,
    REPLY_CLASS_WEIGHTS,
)
from demo.plans import Plan, UnitPlan, bulk, lead_for_topic
from members.models import Member
from proposals import deadlines as deadline_rules
from proposals.choices import (
    AssignmentStatus,
    CommunicationKind,
    CosignerStatus,
    Kind,
    ReviewDecision,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.models import (
    Assignment,
    Communication,
    Cosigner,
    Deadline,
    Feedback,
    NumberSequence,
    Proposal,
    ProposalEvent,
    Reply,
    Review,
    Supervision,
    UnitOpinion,
)

if TYPE_CHECKING:
    from demo.world import CommitteeWorld, WorldBuilder


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
        content = self.b.namer.content(title)
        if source == Source.COLLECTIVE:
            orgs = self.w.organizations
            org = self.rng.choices(
                orgs, weights=[names.ORGANIZATION_WEIGHTS[o.kind] for o in orgs]
            )[0]
            contact = self.w.contacts[org.pk]
            return Plan(outcome, source, title, contact, org, org.sector, plenary, content)
        member = self.pick_member()
        return Plan(outcome, source, title, member.user, None, member.sector, plenary, content)

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
            plan.content = self.b.namer.retold(target.content)
            plan.title = plan.content.title
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
                    code = names.TOPIC_UNITS[plan.title.topic][0]
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
            preferred = [by_code[c] for c in names.TOPIC_UNITS[plan.title.topic]]
            if rng.random() < 0.04:
                for unit in rng.sample(preferred, 2):
                    plan.units.append(UnitPlan(unit, UnitRole.SEPARATE))
                continue
            lead = lead_for_topic(rng, preferred, by_code, plan.title.category)
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
        filed = [p for p in plans if p.outcome == State.CLOSED]
        self.write_proposals(plans)
        self.write_handling(filed)
        self.write_closing(filed)
        rows = [
            row for plan in plans for row in audit_trail(plan, self.session.pk, self.w.unit_users)
        ]
        ProposalEvent.objects.bulk_create(rows, batch_size=BATCH)
        for plan in plans:
            if plan.merge_into is not None:
                plan.proposal.merged_into = plan.merge_into.proposal
        Proposal.objects.bulk_update(
            [p.proposal for p in plans],
            ["created_at", "updated_at", "merged_into", "version"],
            batch_size=BATCH,
        )

    def write_proposals(self, plans: list[Plan]) -> None:
        """The proposals, their co-signers and reviews."""
        w, namer = self.w, self.b.namer
        for plan in plans:
            plan.proposal = Proposal(
                committee=w.committee,
                session=self.session,
                kind=Kind.PLENARY
                if self.session.is_plenary(plan.submitted.date())
                else Kind.REGULAR,
                title=plan.title.text,
                background=namer.background(plan.content),
                suggestions=namer.suggestions(plan.content),
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
        bulk(Proposal, [p.proposal for p in plans])
        bulk(
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
        bulk(
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

    def write_handling(self, filed: list[Plan]) -> None:
        """Assignments and their deadlines, opinions, communications and replies."""
        w, namer = self.w, self.b.namer
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
        bulk(Assignment, [u.assignment for u in unit_plans])
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
        bulk(UnitOpinion, [u.opinion for u in unit_plans if u.opinion])
        bulk(Communication, [u.communication for u in unit_plans if u.communication])
        bulk(Reply, [u.reply for u in unit_plans if u.reply])

    def write_closing(self, filed: list[Plan]) -> None:
        """Feedback, supervision and supervisors of the filed proposals."""
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
        bulk(Feedback, [p.feedback_row for p in filed])
        bulk(Supervision, [s for p in filed for s in p.supervision_rows])
        through = Proposal.supervisors.through
        through.objects.bulk_create(
            [through(proposal_id=p.proposal.pk, user_id=u.pk) for p in filed for u in p.supervisors]
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
        bulk(Deadline, rows)


# ---- 2023: the audit trail the services would have written ----
