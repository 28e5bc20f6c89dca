"""/api/v1/assignments/ and /api/v1/reassignment-requests/: every unit action for every
role, bad input, scoping, filters and query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Assignment, Proposal, ProposalEvent, ReassignmentRequest
from proposals.services import feedback, handling, review
from tests import flows
from tests.api.conftest import (
    assigned_now,
    errors_of,
    today,
    token_client,
    user_of,
)
from tests.factories import World

API = "/api/v1"


def _accepted(w: World) -> Proposal:
    p = assigned_now(w)
    handling.accept(w.lead_handler, flows.lead_assignment(p))
    return p


def _ready(w: World) -> Proposal:
    """Accepted by the lead unit and the co-unit's opinion is in: the lead may reply."""
    p = _accepted(w)
    handling.give_opinion(w.co_handler, flows.co_assignment(p), "同意")
    return p


def _rehandling(w: World) -> Proposal:
    p = flows.replied(w)
    feedback.give_feedback(
        w.member.user, p, communication="satisfied", result="dissatisfied", comment="不满意"
    )
    return p


SETUPS: dict[str, Callable[[World], Proposal]] = {
    "assigned": assigned_now,
    "assigned_2025": flows.assigned,  # the re-routing window closed long ago
    "accepted": _accepted,
    "ready": _ready,
    "replied": flows.replied,
    "rehandling": _rehandling,
}


def _target(p: Proposal, which: str) -> Assignment:
    return p.assignments.exclude(status="rerouted").get(role=which)


BODIES: dict[str, Callable[[World], Any]] = {
    "request-reassignment": lambda w: {"reason": "不属于本单位职责"},
    "communications": lambda w: {
        "kind": "before",
        "method": "phone",
        "date": today().isoformat(),
        "content": "电话沟通办理思路",
    },
    "reply": lambda w: {"classification": "B", "content": "已列入计划", "signed_by": "局长"},
    "opinion": lambda w: {"content": "同意主办单位意见"},
}


@dataclass(frozen=True)
class Case:
    action: str
    setup: str
    target: str  # "lead" or "co"
    user: str
    status: int
    after: str | None = None  # the assignment's status after a successful call

    @property
    def id(self) -> str:
        return f"{self.action}-{self.setup}-{self.target}-{self.user}-{self.status}"


CASES = [
    # accept
    Case("accept", "assigned", "lead", "lead_handler", 200, "accepted"),
    Case("accept", "assigned", "co", "co_handler", 200, "accepted"),
    Case("accept", "rehandling", "lead", "lead_handler", 409),  # already accepted
    Case("accept", "assigned", "lead", "staff", 403),
    Case("accept", "assigned", "lead", "member", 403),
    Case("accept", "assigned", "lead", "supervisor", 403),
    Case("accept", "assigned", "lead", "co_handler", 404),  # another unit's assignment
    Case("accept", "assigned", "lead", "other_handler", 404),
    Case("accept", "assigned", "lead", "other_member", 404),
    Case("accept", "assigned", "lead", "foreign_staff", 404),
    Case("accept", "accepted", "lead", "lead_handler", 409),
    Case("accept", "replied", "lead", "lead_handler", 409),
    # request-reassignment
    Case("request-reassignment", "assigned", "lead", "lead_handler", 201, "reroute_requested"),
    Case("request-reassignment", "assigned", "co", "co_handler", 201, "reroute_requested"),
    Case("request-reassignment", "assigned", "lead", "staff", 403),
    Case("request-reassignment", "assigned", "lead", "member", 403),
    Case("request-reassignment", "assigned", "lead", "other_handler", 404),
    Case("request-reassignment", "accepted", "lead", "lead_handler", 409),
    Case("request-reassignment", "assigned_2025", "lead", "lead_handler", 409),
    # communications
    Case("communications", "accepted", "lead", "lead_handler", 201, "accepted"),
    Case("communications", "replied", "lead", "lead_handler", 201, "replied"),
    Case("communications", "accepted", "lead", "member", 403),
    Case("communications", "accepted", "lead", "staff", 403),
    Case("communications", "accepted", "lead", "other_handler", 404),
    Case("communications", "accepted", "lead", "foreign_staff", 404),
    Case("communications", "assigned", "lead", "lead_handler", 409),  # not accepted yet
    # reply
    Case("reply", "ready", "lead", "lead_handler", 200, "replied"),
    Case("reply", "rehandling", "lead", "lead_handler", 200, "replied"),
    Case("reply", "ready", "lead", "staff", 403),
    Case("reply", "ready", "lead", "member", 403),
    Case("reply", "ready", "lead", "co_handler", 404),
    Case("reply", "ready", "lead", "other_handler", 404),
    Case("reply", "accepted", "lead", "lead_handler", 409),  # the co-unit's opinion is missing
    Case("reply", "assigned", "lead", "lead_handler", 409),  # not accepted yet
    Case("reply", "ready", "co", "co_handler", 409),  # co-units give opinions, not replies
    Case("reply", "replied", "lead", "lead_handler", 409),
    # opinion
    Case("opinion", "assigned", "co", "co_handler", 200, "opinion_given"),
    Case("opinion", "accepted", "co", "co_handler", 200, "opinion_given"),
    Case("opinion", "assigned", "co", "staff", 403),
    Case("opinion", "assigned", "co", "member", 403),
    Case("opinion", "assigned", "co", "lead_handler", 404),
    Case("opinion", "assigned", "co", "other_handler", 404),
    Case("opinion", "assigned", "lead", "lead_handler", 409),  # lead units reply
    Case("opinion", "ready", "co", "co_handler", 409),  # already given
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_unit_action_answers_by_role_and_state(case: Case, world, elsewhere):
    p = SETUPS[case.setup](world)
    a = _target(p, case.target)
    status, version = a.status, Proposal.objects.get(pk=p.pk).version
    events = ProposalEvent.objects.count()
    make_body = BODIES.get(case.action)
    client = token_client(user_of(world, elsewhere, case.user))

    response = client.post(
        f"{API}/assignments/{a.pk}/{case.action}/",
        make_body(world) if make_body else {},
        format="json",
    )

    assert response.status_code == case.status, response.content
    a.refresh_from_db()
    if case.status in (200, 201):
        assert a.status == case.after
        assert ProposalEvent.objects.count() == events + 1
        if case.action == "request-reassignment":
            assert response.data["status"] == "pending"
            assert response.data["assignment"]["id"] == a.pk
        else:
            assert response.data["id"] == a.pk
            assert response.data["status"] == case.after
        return
    assert a.status == status
    assert Proposal.objects.get(pk=p.pk).version == version
    assert ProposalEvent.objects.count() == events
    assert set(response.data) == {"detail", "code"}


def test_every_assignment_action_is_covered():
    from proposals.api.views import AssignmentViewSet

    routed = {a.url_path for a in AssignmentViewSet.get_extra_actions() if "post" in a.mapping}
    assert routed == {c.action for c in CASES}
    for action in routed:
        assert {c.status for c in CASES if c.action == action} >= {403, 404, 409}


def test_replying_moves_the_proposal_and_hints_follow(world):
    p = _ready(world)
    lead = token_client(world.lead_handler)
    a = flows.lead_assignment(p)
    assert lead.get(f"{API}/assignments/{a.pk}/").data["allowed_actions"] == [
        "communicate",
        "reply",
    ]
    answer = lead.post(
        f"{API}/assignments/{a.pk}/reply/",
        {"classification": "C", "content": "留作参考"},
        format="json",
    )
    assert answer.status_code == 200
    assert answer.data["proposal"] == {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "state": "replied",
    }
    assert answer.data["allowed_actions"] == ["communicate"]
    detail = token_client(world.member.user).get(f"{API}/proposals/{p.pk}/").data
    assert [(r["classification"], r["unit"]) for r in detail["replies"]] == [
        ("C", world.units[0].name)
    ]


def test_reply_with_a_letter_as_multipart(world):
    p = _ready(world)
    a = flows.lead_assignment(p)
    letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    answer = token_client(world.lead_handler).post(
        f"{API}/assignments/{a.pk}/reply/",
        {"classification": "A", "content": "已采纳", "attachment": letter},
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    reply = a.replies.get()
    assert reply.classification == "A" and reply.attachment.name.endswith(".pdf")
    reply.attachment.delete(save=False)


# ---- bad input ------------------------------------------------------------------------------

BAD = [
    ("reply", "ready", "lead", "lead_handler", {"content": "无分类"}, "classification"),
    (
        "reply",
        "ready",
        "lead",
        "lead_handler",
        {"classification": "Z", "content": "x"},
        "classification",
    ),
    (
        "reply",
        "ready",
        "lead",
        "lead_handler",
        {"classification": "ABCDE", "content": "x"},
        "classification",
    ),
    ("reply", "ready", "lead", "lead_handler", {"classification": "A"}, "content"),
    ("reply", "ready", "lead", "lead_handler", {"classification": "A", "content": " "}, "content"),
    (
        "communications",
        "accepted",
        "lead",
        "lead_handler",
        {"kind": "gossip", "method": "phone", "date": "2025-01-01", "content": "x"},
        "kind",
    ),
    (
        "communications",
        "accepted",
        "lead",
        "lead_handler",
        {"kind": "before", "method": "pigeon", "date": "2025-01-01", "content": "x"},
        "method",
    ),
    (
        "communications",
        "accepted",
        "lead",
        "lead_handler",
        {"kind": "before", "method": "phone", "date": "someday", "content": "x"},
        "date",
    ),
    (
        "communications",
        "accepted",
        "lead",
        "lead_handler",
        {
            "kind": "before",
            "method": "phone",
            "date": (today() + datetime.timedelta(days=2)).isoformat(),
            "content": "x",
        },
        "date",
    ),
    (
        "communications",
        "accepted",
        "lead",
        "lead_handler",
        {"kind": "before", "method": "phone", "date": "2025-01-01"},
        "content",
    ),
    ("opinion", "assigned", "co", "co_handler", {}, "content"),
    ("opinion", "assigned", "co", "co_handler", {"content": "   "}, "content"),
    ("request-reassignment", "assigned", "lead", "lead_handler", {}, "reason"),
    ("request-reassignment", "assigned", "lead", "lead_handler", {"reason": "  "}, "reason"),
]


@pytest.mark.parametrize(
    ("action", "setup", "target", "user", "data", "field"),
    BAD,
    ids=[f"{b[0]}-{b[5]}-{i}" for i, b in enumerate(BAD)],
)
def test_bad_unit_input_is_a_400_naming_the_field(action, setup, target, user, data, field, world):
    p = SETUPS[setup](world)
    a = _target(p, target)
    status = a.status
    client = token_client(user_of(world, None, user))
    response = client.post(f"{API}/assignments/{a.pk}/{action}/", data, format="json")
    assert field in errors_of(response), response.data
    a.refresh_from_db()
    assert a.status == status


def test_malformed_bodies_and_ids_never_500(world):
    p = _ready(world)
    a = flows.lead_assignment(p)
    lead = token_client(world.lead_handler)
    broken = lead.post(f"{API}/assignments/{a.pk}/reply/", "{oops", content_type="application/json")
    assert broken.status_code == 400
    for bad_id in ("abc", "-3", "99999999999999999999"):
        assert lead.get(f"{API}/assignments/{bad_id}/").status_code == 404
        assert lead.post(f"{API}/assignments/{bad_id}/accept/").status_code == 404
        assert (
            token_client(world.staff)
            .post(f"{API}/reassignment-requests/{bad_id}/reject/", {}, format="json")
            .status_code
            == 404
        )
    assert lead.get(f"{API}/assignments/?status=nonsense").status_code == 400
    assert lead.get(f"{API}/assignments/?proposal=abc").status_code == 400
    a.refresh_from_db()
    assert a.status == "accepted"


# ---- re-routing requests ----------------------------------------------------------------------


def _requested(w: World, target: str = "lead") -> ReassignmentRequest:
    p = assigned_now(w)
    a = _target(p, target)
    handler = w.lead_handler if target == "lead" else w.co_handler
    return handling.request_reassignment(handler, a, "不属于本单位职责")


@dataclass(frozen=True)
class Decision:
    verb: str
    user: str
    status: int
    setup: str = "pending"  # or "rejected" / "approved": decided already

    @property
    def id(self) -> str:
        return f"{self.verb}-{self.setup}-{self.user}-{self.status}"


DECISIONS = [
    Decision("approve", "staff", 200),
    Decision("approve", "admin", 200),
    Decision("reject", "staff", 200),
    Decision("approve", "lead_handler", 403),  # sees its own request, may not decide
    Decision("reject", "lead_handler", 403),
    Decision("approve", "supervisor", 403),
    Decision("approve", "co_handler", 404),
    Decision("reject", "other_handler", 404),
    Decision("approve", "foreign_staff", 404),
    Decision("reject", "member", 404),  # re-routing is between units and staff
    Decision("reject", "other_member", 404),
    Decision("approve", "staff", 409, "rejected"),
    Decision("reject", "staff", 409, "approved"),
    Decision("approve", "staff", 409, "approved"),
]


@pytest.mark.parametrize("case", DECISIONS, ids=lambda c: c.id)
def test_reassignment_decisions_by_role_and_state(case: Decision, world, elsewhere):
    item = _requested(world)
    if case.setup == "rejected":
        handling.decide_reassignment(world.staff, item, approve=False)
    elif case.setup == "approved":
        handling.decide_reassignment(world.staff, item, approve=True, new_unit=world.units[2].pk)
    item.refresh_from_db()
    before = (item.status, item.assignment.status, Assignment.objects.count())
    client = token_client(user_of(world, elsewhere, case.user))

    data = {"unit": world.units[2].pk, "note": "同意"} if case.verb == "approve" else {}
    url = f"{API}/reassignment-requests/{item.pk}/{case.verb}/"
    response = client.post(url, data, format="json")

    assert response.status_code == case.status, response.content
    item.refresh_from_db()
    a = item.assignment
    a.refresh_from_db()
    if case.status != 200:
        assert (item.status, a.status, Assignment.objects.count()) == before
        return
    if case.verb == "approve":
        assert response.data["status"] == "approved" and a.status == "rerouted"
        new = a.replaced_by
        assert (new.unit_id, new.role, new.status) == (world.units[2].pk, "lead", "assigned")
        # The new unit now sees it; the old one keeps its record of the hand-over.
        other = token_client(world.other_handler)
        assert [r["id"] for r in other.get(f"{API}/assignments/").data["results"]] == [new.pk]
    else:
        assert response.data["status"] == "rejected" and a.status == "assigned"
        assert response.data["decided_at"]


APPROVE_BAD = [
    (lambda w, x: {}, "unit"),
    (lambda w, x: {"unit": 999999}, "unit"),
    (lambda w, x: {"unit": "abc"}, "unit"),
    (lambda w, x: {"unit": w.units[0].pk}, "unit"),  # the same unit
    (lambda w, x: {"unit": w.units[1].pk}, "unit"),  # already the co-unit
    (lambda w, x: {"unit": x.units[2].pk}, "unit"),  # another committee's unit
]


@pytest.mark.parametrize(("data", "field"), APPROVE_BAD)
def test_bad_approvals_are_400_naming_the_unit(data, field, world, elsewhere):
    item = _requested(world)
    response = token_client(world.staff).post(
        f"{API}/reassignment-requests/{item.pk}/approve/",
        data(world, elsewhere),
        format="json",
    )
    assert field in errors_of(response)
    item.refresh_from_db()
    assert item.status == "pending" and item.assignment.status == "reroute_requested"


def test_reassignment_request_lists_are_scoped(world, elsewhere):
    lead_request = _requested(world, "lead")
    co_request = _requested(world, "co")
    _requested(elsewhere)

    def ids(user) -> set[int]:
        response = token_client(user).get(f"{API}/reassignment-requests/")
        assert response.status_code == 200
        return {r["id"] for r in response.data["results"]}

    assert ids(world.staff) == {lead_request.pk, co_request.pk}
    assert ids(world.lead_handler) == {lead_request.pk}
    assert ids(world.co_handler) == {co_request.pk}
    assert ids(world.other_handler) == set()
    assert ids(world.member.user) == set()  # the proposer is not party to re-routing
    assert len(ids(elsewhere.staff)) == 1
    pending = token_client(world.staff).get(f"{API}/reassignment-requests/?status=pending")
    assert pending.data["count"] == 2


# ---- scoped lists and filters -----------------------------------------------------------------


def _ids(client, query: str = "") -> list[int]:
    response = client.get(f"{API}/assignments/?page_size=100&{query}")
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.data["results"]]


def test_a_unit_never_sees_another_units_assignments(world, elsewhere):
    p = assigned_now(world)
    q = flows.assigned(world)
    theirs = assigned_now(elsewhere)
    lead_ids = {flows.lead_assignment(p).pk, flows.lead_assignment(q).pk}
    co_ids = {flows.co_assignment(p).pk, flows.co_assignment(q).pk}

    lead, co = token_client(world.lead_handler), token_client(world.co_handler)
    assert set(_ids(lead)) == lead_ids
    assert set(_ids(co)) == co_ids
    assert _ids(token_client(world.other_handler)) == []
    assert _ids(lead, f"unit={world.units[1].pk}") == []  # filters never widen
    assert _ids(lead, f"proposal={theirs.pk}") == []
    co_one = flows.co_assignment(p).pk
    assert lead.get(f"{API}/assignments/{co_one}/").status_code == 404
    # Staff see their committee's, members those of their own proposals.
    staff_ids = set(_ids(token_client(world.staff)))
    assert staff_ids == lead_ids | co_ids
    assert set(_ids(token_client(elsewhere.staff))) == {a.pk for a in theirs.assignments.all()}
    assert set(_ids(token_client(world.member.user))) == lead_ids | co_ids
    assert _ids(token_client(world.other_member.user)) == []


def test_assignment_filters(world):
    fresh = assigned_now(world)
    late = flows.assigned(world)  # reply due in 2025: overdue
    handling.accept(world.lead_handler, flows.lead_assignment(fresh))
    staff = token_client(world.staff)
    fresh_lead, fresh_co = flows.lead_assignment(fresh).pk, flows.co_assignment(fresh).pk
    late_lead, late_co = flows.lead_assignment(late).pk, flows.co_assignment(late).pk

    assert set(_ids(staff, "status=accepted")) == {fresh_lead}
    assert set(_ids(staff, "status=assigned")) == {fresh_co, late_lead, late_co}
    assert set(_ids(staff, "role=co")) == {fresh_co, late_co}
    assert set(_ids(staff, f"unit={world.units[0].pk}")) == {fresh_lead, late_lead}
    assert set(_ids(staff, f"proposal={late.pk}")) == {late_lead, late_co}
    assert set(_ids(staff, "proposal_state=assigned")) == {fresh_lead, fresh_co, late_lead, late_co}
    assert set(_ids(staff, "overdue=true")) == {late_lead, late_co}
    assert set(_ids(staff, "overdue=false")) == {fresh_lead, fresh_co}
    assert _ids(staff, "ordering=id") == sorted([fresh_lead, fresh_co, late_lead, late_co])
    rows = staff.get(f"{API}/assignments/?overdue=true").json()["results"]
    assert all(r["overdue"] for r in rows)
    first = staff.get(f"{API}/assignments/?page_size=3").data
    second = staff.get(f"{API}/assignments/?page_size=3&page=2").data
    assert first["count"] == 4
    assert [r["id"] for r in first["results"] + second["results"]] == _ids(staff)


# ---- query counts ---------------------------------------------------------------------------
# (The list's cost against page size is checked with the proposal list, on the same 40
# proposals, in test_proposals_api.)

DETAIL_QUERIES = 7


def test_assignment_detail_queries_do_not_grow_with_the_proposals_units(
    world, django_assert_max_num_queries
):
    small = assigned_now(world)
    big = review.file(world.staff, flows.reviewed(world))
    handling.assign(
        world.staff, big, lead_unit=world.units[0].pk, co_units=[u.pk for u in world.units[1:]]
    )
    counts = []
    for user in (world.staff, world.lead_handler):
        client = token_client(user)
        for p in (small, big):
            a = flows.lead_assignment(p)
            with django_assert_max_num_queries(DETAIL_QUERIES) as captured:
                response = client.get(f"{API}/assignments/{a.pk}/")
            assert response.status_code == 200
            counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1, counts
