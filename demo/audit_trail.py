"""The 2023 proposals' audit trail, from the same event builders the services use."""

from __future__ import annotations

import datetime

from demo.plans import Plan
from members.models import User
from proposals.choices import (
    CommunicationKind,
    ReviewDecision,
    State,
    UnitRole,
)
from proposals.domain import events
from proposals.domain.events import Event, EventKind
from proposals.models import ProposalEvent


def audit_trail(plan: Plan, session_pk: int, unit_users: dict[int, User]) -> list[ProposalEvent]:
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
        events.submitted(session_pk, p.kind),
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
        handling_events(plan, unit_users, add)
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


def handling_events(plan: Plan, unit_users: dict[int, User], add) -> None:
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
        handler = unit_users[u.unit.pk]
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
