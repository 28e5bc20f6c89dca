"""Every workflow action, allowed and refused, for every role.

For each action the matrix builds a proposal in a state the action starts from,
then checks that every user in the world except the allowed ones is refused with
NotPermitted (nothing changes, nothing is logged), that ``allowed_actions`` agrees
with the service, and that the allowed user succeeds. A second test checks that
each action is refused (InvalidTransition) from a state it does not start from.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from committees.models import Committee
from cppcc.errors import InvalidTransition, NotPermitted
from proposals import workflow
from proposals.choices import ReviewDecision, State
from proposals.models import Proposal, ProposalEvent
from proposals.services import drafting, feedback, handling, review, supervision, urging
from tests import flows
from tests.factories import CommitteeFactory, SessionFactory, World

DAY = flows.DAY
LATER = DAY + datetime.timedelta(days=10)
OVERDUE = datetime.date(2025, 7, 1)  # past the reply deadline of a proposal assigned on DAY
ROLES = (
    "member",
    "cosigner",
    "other_member",
    "collective",
    "staff",
    "admin",
    "supervisor",
    "lead_handler",
    "co_handler",
    "other_handler",
)


def user_of(w: World, role: str):
    person = getattr(w, role)
    return person.user if hasattr(person, "user") else person


@dataclass
class Case:
    action: str
    setup: Callable[[World], tuple[Proposal, object]]
    allowed: tuple[str, ...]
    perform: Callable[[World, object, Proposal, object], object]


def _proposal_only(builder):
    return lambda w: (builder(w), None)


def _lead(builder, accept=False):
    def setup(w):
        p = builder(w)
        lead = flows.lead_assignment(p)
        if accept:
            handling.accept(w.lead_handler, lead, today=DAY)
        return p, lead

    return setup


def _reply_ready(w):
    p, lead = _lead(flows.assigned, accept=True)(w)
    handling.give_opinion(w.co_handler, flows.co_assignment(p), "同意", today=DAY)
    return p, lead


def _merge_pair(w):
    p = flows.confirmed(w)
    target = flows.confirmed(w, title="关于数字经济的另一提案")
    return p, target


def _transfer_setup(w):
    county = CommitteeFactory(name="小店区政协", code="xd", parent=w.committee, level="county")
    SessionFactory(committee=county, term=14, meeting=2)
    return flows.confirmed(w), county


def _key(w):
    p = flows.assigned(w)
    supervision.mark_key(w.staff, p, [w.supervisor.pk])
    return p, None


def _pending_request(w):
    p = flows.assigned(w)
    request = handling.request_reassignment(
        w.lead_handler, flows.lead_assignment(p), "不属于本单位职责", today=DAY
    )
    return p, request


CASES = [
    Case(
        "edit",
        _proposal_only(flows.draft),
        ("member",),
        lambda w, u, p, x: drafting.update_draft(u, p, {"title": "修改后的案由"}),
    ),
    Case(
        "submit",
        _proposal_only(flows.draft),
        ("member",),
        lambda w, u, p, x: drafting.submit(u, p, today=DAY),
    ),
    Case(
        "withdraw",
        _proposal_only(flows.submitted),
        ("member",),
        lambda w, u, p, x: drafting.withdraw(u, p),
    ),
    Case(
        "cosign",
        _proposal_only(flows.submitted),
        ("cosigner",),
        lambda w, u, p, x: drafting.cosign(u, p),
    ),
    Case(
        "decline_cosign",
        _proposal_only(flows.submitted),
        ("cosigner",),
        lambda w, u, p, x: drafting.decline_cosign(u, p),
    ),
    Case(
        "remove_cosigner",
        _proposal_only(flows.submitted),
        ("member", "staff", "admin"),
        lambda w, u, p, x: drafting.remove_cosigner(u, p, w.cosigner.pk),
    ),
    Case(
        "review",
        _proposal_only(flows.confirmed),
        ("staff", "admin"),
        lambda w, u, p, x: review.review(u, p, stage="initial", decision=ReviewDecision.PASS),
    ),
    Case(
        "file",
        _proposal_only(flows.reviewed),
        ("staff", "admin"),
        lambda w, u, p, x: review.file(u, p),
    ),
    Case(
        "merge",
        _merge_pair,
        ("staff", "admin"),
        lambda w, u, p, target: review.merge(u, p, into=target),
    ),
    Case(
        "transfer",
        _transfer_setup,
        ("staff", "admin"),
        lambda w, u, p, county: review.transfer(u, p, county, "属于区级事项"),
    ),
    Case(
        "assign",
        _proposal_only(flows.filed),
        ("staff", "admin"),
        lambda w, u, p, x: handling.assign(u, p, lead_unit=w.units[0].pk, today=DAY),
    ),
    Case(
        "extend",
        _proposal_only(flows.assigned),
        ("staff", "admin"),
        lambda w, u, p, x: handling.extend(
            u, p, due_date=datetime.date(2025, 7, 10), reason="情况复杂", today=LATER
        ),
    ),
    Case(
        "mark_key",
        _proposal_only(flows.filed),
        ("staff", "admin"),
        lambda w, u, p, x: supervision.mark_key(u, p, [w.supervisor.pk]),
    ),
    Case(
        "supervise",
        _key,
        ("supervisor", "staff", "admin"),
        lambda w, u, p, x: supervision.supervise(u, p, content="现场督办", today=LATER),
    ),
    Case(
        "feedback",
        _proposal_only(flows.replied),
        ("member", "cosigner"),
        lambda w, u, p, x: feedback.give_feedback(
            u, p, communication="satisfied", result="satisfied"
        ),
    ),
    Case(
        "close",
        _proposal_only(flows.replied),
        ("staff", "admin"),
        lambda w, u, p, x: feedback.close(u, p, today=DAY + datetime.timedelta(days=60)),
    ),
    Case(
        "accept",
        _lead(flows.assigned),
        ("lead_handler",),
        lambda w, u, p, a: handling.accept(u, a, today=DAY),
    ),
    Case(
        "request_reassignment",
        _lead(flows.assigned),
        ("lead_handler",),
        lambda w, u, p, a: handling.request_reassignment(u, a, "非本单位职责", today=DAY),
    ),
    Case(
        "decide_reassignment",
        _pending_request,
        ("staff", "admin"),
        lambda w, u, p, r: handling.decide_reassignment(
            u, r, approve=True, new_unit=w.units[2].pk, today=DAY
        ),
    ),
    Case(
        "urge",
        _lead(flows.assigned),
        ("staff", "admin"),
        lambda w, u, p, a: urging.urge(u, a, today=OVERDUE),
    ),
    Case(
        "communicate",
        _lead(flows.assigned, accept=True),
        ("lead_handler",),
        lambda w, u, p, a: handling.communicate(
            u, a, kind="before", method="phone", date=DAY, content="电话沟通", today=DAY
        ),
    ),
    Case(
        "give_opinion",
        lambda w: (lambda p: (p, flows.co_assignment(p)))(flows.assigned(w)),
        ("co_handler",),
        lambda w, u, p, a: handling.give_opinion(u, a, "会办意见", today=DAY),
    ),
    Case(
        "reply",
        _reply_ready,
        ("lead_handler",),
        lambda w, u, p, a: handling.reply(u, a, classification="A", content="答复", today=DAY),
    ),
]


def test_matrix_covers_every_action():
    assert {case.action for case in CASES} == set(workflow.BY_NAME)


def _assignment_for_check(case: Case, extra):
    if case.action == "decide_reassignment":
        return extra.assignment
    return extra if workflow.BY_NAME[case.action].on_assignment else None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_action_allowed_and_refused_by_role(world, case: Case):
    p, extra = case.setup(world)
    p.refresh_from_db()
    check_assignment = _assignment_for_check(case, extra)
    today = LATER if case.action in ("extend", "supervise") else DAY
    if case.action == "urge":
        today = OVERDUE
    if case.action == "close":
        today = DAY + datetime.timedelta(days=60)
    for role in ROLES:
        user = user_of(world, role)
        allowed = role in case.allowed
        problem = workflow.problem(user, case.action, p, check_assignment, today)
        if check_assignment is None:
            listed = case.action in workflow.allowed_actions(user, p, today)
        else:
            listed = case.action in workflow.allowed_assignment_actions(
                user, check_assignment, today
            )
        assert (problem is None) == allowed, (role, problem)
        assert listed == allowed, role
        if allowed:
            continue
        state, events = p.state, ProposalEvent.objects.filter(proposal=p).count()
        with pytest.raises(NotPermitted):
            case.perform(world, user, p, extra)
        p.refresh_from_db()
        assert (p.state, ProposalEvent.objects.filter(proposal=p).count()) == (state, events)
    # The first allowed role succeeds and the change is logged.
    events = ProposalEvent.objects.filter(proposal=p).count()
    case.perform(world, user_of(world, case.allowed[0]), p, extra)
    assert ProposalEvent.objects.filter(proposal=p, action=case.action).count() >= 1
    assert ProposalEvent.objects.filter(proposal=p).count() > events


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_action_refused_in_wrong_state(world, case: Case):
    p = flows.closed(world)
    extra = None
    if workflow.BY_NAME[case.action].on_assignment:
        extra = flows.lead_assignment(p)
        if case.action == "give_opinion":
            extra = flows.co_assignment(p)
    user = user_of(world, "staff" if "staff" in case.allowed else case.allowed[0])
    check_assignment = extra
    error = workflow.problem(user, case.action, p, check_assignment, DAY)
    if case.action == "decide_reassignment":
        assert isinstance(error, InvalidTransition)
        return
    if case.action == "merge":
        extra = flows.confirmed(world, title="另一提案")
    if case.action == "transfer":
        extra = CommitteeFactory()
    assert isinstance(error, InvalidTransition), error
    with pytest.raises(InvalidTransition):
        case.perform(world, user, p, extra)
    p.refresh_from_db()
    assert p.state == State.CLOSED


def test_other_committee_staff_are_refused(world):
    other = World.build(prefix="乙")
    p = flows.confirmed(world)
    with pytest.raises(NotPermitted):
        review.review(other.staff, p, stage="initial", decision=ReviewDecision.PASS)
    assert workflow.allowed_actions(other.staff, p) == []


def test_superuser_may_act_in_any_committee(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    p = flows.confirmed(world)
    review.review(root, p, stage="initial", decision=ReviewDecision.PASS)
    p.refresh_from_db()
    assert p.state == State.UNDER_REVIEW
    assert Committee.objects.count() == 1


def test_permission_is_checked_before_the_input(world):
    """Someone who may not act learns that, not what their input lacked."""
    replied = flows.replied(world)
    with pytest.raises(NotPermitted):
        feedback.give_feedback(world.other_member.user, replied, communication="", result="")
    assigned = flows.assigned(world)
    with pytest.raises(NotPermitted):
        handling.reply(
            world.other_handler, flows.lead_assignment(assigned), classification="", content=""
        )
    with pytest.raises(NotPermitted):
        supervision.mark_key(world.member.user, assigned, [])
    with pytest.raises(NotPermitted):
        review.merge(world.member.user, assigned, into=assigned)
