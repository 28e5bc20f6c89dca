"""/api/v1/proposals/: every action for every role, bad input, scoping, ETags, filters,
pagination and query counts."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from committees.models import Session
from proposals.models import Assignment, Deadline, Proposal, ProposalEvent
from proposals.services import drafting, handling, review, supervision
from tests import flows
from tests.api.conftest import (
    assigned_now,
    errors_of,
    half_reviewed,
    key,
    many_proposals,
    replied_now,
    returned,
    today,
    token_client,
    user_of,
)
from tests.factories import MemberFactory, SectorFactory, World

API = "/api/v1/proposals"


# ---- proposals at each point of their life ------------------------------------------------


SETUPS: dict[str, Callable[[World], Proposal]] = {
    "draft": flows.draft,
    "submitted": flows.submitted,
    "confirmed": flows.confirmed,
    "returned": returned,
    "half_reviewed": half_reviewed,
    "reviewed": flows.reviewed,
    "filed": flows.filed,
    "assigned": assigned_now,
    "replied": flows.replied,  # replied in 2025: the feedback window is long over
    "replied_now": replied_now,
    "key_filed": key(flows.filed),
    "key_assigned": key(assigned_now),
}


def _reply_deadline(p: Proposal) -> Deadline | None:
    return Deadline.objects.filter(
        proposal=p, kind="reply", is_open=True, assignment__role="lead"
    ).first()


def _extension(p: Proposal, days: int = 30) -> str:
    deadline = _reply_deadline(p)
    base = deadline.due_date if deadline else today()
    return (base + datetime.timedelta(days=days)).isoformat()


Body = Callable[[World, World, Proposal], Any]

BODIES: dict[str, Body] = {
    "withdraw": lambda w, x, p: {"reason": "不再需要"},
    "remove-cosigner": lambda w, x, p: {"member": w.cosigner.pk},
    "review": lambda w, x, p: {"stage": "initial", "decision": "pass", "opinion": "同意"},
    "merge": lambda w, x, p: {"into": flows.submitted(w, cosigners=False).pk},
    "transfer": lambda w, x, p: {"committee": x.committee.pk, "reason": "属地管理"},
    "assign": lambda w, x, p: {"lead_unit": w.units[0].pk, "co_units": [w.units[1].pk]},
    "extend": lambda w, x, p: {"due_date": _extension(p), "reason": "情况复杂"},
    "feedback": lambda w, x, p: {"communication": "satisfied", "result": "satisfied"},
    "mark-key": lambda w, x, p: {"supervisors": [w.supervisor.pk]},
    "supervise": lambda w, x, p: {"content": "赴现场督办"},
}


@dataclass(frozen=True)
class Case:
    action: str
    setup: str
    user: str
    status: int
    state: str | None = None  # the proposal's state after a successful call

    @property
    def id(self) -> str:
        return f"{self.action}-{self.setup}-{self.user}-{self.status}"


CASES = [
    # attachments (a multipart upload: its success is tested in test_attachments_api)
    Case("attachments", "returned", "staff", 403),
    Case("attachments", "draft", "other_member", 404),
    Case("attachments", "submitted", "member", 409),
    # submit
    Case("submit", "draft", "member", 200, "submitted"),
    Case("submit", "returned", "member", 200, "submitted"),
    Case("submit", "returned", "staff", 403),
    Case("submit", "draft", "other_member", 404),
    Case("submit", "draft", "staff", 404),  # staff never see unsent drafts
    Case("submit", "draft", "cosigner", 404),
    Case("submit", "submitted", "member", 409),
    # withdraw
    Case("withdraw", "submitted", "member", 200, "withdrawn"),
    Case("withdraw", "draft", "member", 200, "withdrawn"),
    Case("withdraw", "submitted", "staff", 403),
    Case("withdraw", "submitted", "cosigner", 403),
    Case("withdraw", "submitted", "other_member", 404),
    Case("withdraw", "filed", "member", 409),
    # cosign / decline-cosign
    Case("cosign", "submitted", "cosigner", 200, "submitted"),
    Case("cosign", "submitted", "member", 403),
    Case("cosign", "submitted", "staff", 403),
    Case("cosign", "submitted", "other_member", 404),
    Case("cosign", "draft", "cosigner", 404),
    Case("cosign", "confirmed", "cosigner", 409),  # already answered
    Case("cosign", "filed", "cosigner", 409),
    Case("decline-cosign", "submitted", "cosigner", 200, "submitted"),
    Case("decline-cosign", "submitted", "member", 403),
    Case("decline-cosign", "submitted", "other_handler", 404),
    Case("decline-cosign", "filed", "cosigner", 409),
    # remove-cosigner
    Case("remove-cosigner", "submitted", "member", 200, "submitted"),
    Case("remove-cosigner", "submitted", "staff", 200, "submitted"),
    Case("remove-cosigner", "submitted", "cosigner", 403),
    Case("remove-cosigner", "submitted", "foreign_staff", 404),
    Case("remove-cosigner", "confirmed", "staff", 409),  # nobody left to remove
    Case("remove-cosigner", "filed", "staff", 409),
    # review
    Case("review", "confirmed", "staff", 200, "under_review"),
    Case("review", "confirmed", "admin", 200, "under_review"),
    Case("review", "confirmed", "member", 403),
    Case("review", "confirmed", "supervisor", 404),  # supervisors follow filed work only
    Case("review", "confirmed", "foreign_staff", 404),
    Case("review", "submitted", "staff", 409),  # the co-signer has not answered
    Case("review", "filed", "staff", 409),
    # file
    Case("file", "reviewed", "staff", 200, "filed"),
    Case("file", "reviewed", "member", 403),
    Case("file", "reviewed", "foreign_staff", 404),
    Case("file", "reviewed", "other_member", 404),
    Case("file", "half_reviewed", "staff", 409),
    Case("file", "confirmed", "staff", 409),
    # merge
    Case("merge", "confirmed", "staff", 200, "merged"),
    Case("merge", "filed", "staff", 200, "merged"),
    Case("merge", "confirmed", "member", 403),
    Case("merge", "confirmed", "foreign_staff", 404),
    Case("merge", "assigned", "staff", 409),
    # transfer
    Case("transfer", "confirmed", "staff", 201, "transferred"),
    Case("transfer", "confirmed", "member", 403),
    Case("transfer", "confirmed", "foreign_staff", 404),
    Case("transfer", "filed", "staff", 409),
    # assign
    Case("assign", "filed", "staff", 200, "assigned"),
    Case("assign", "filed", "member", 403),
    Case("assign", "filed", "supervisor", 403),
    Case("assign", "filed", "foreign_staff", 404),
    Case("assign", "filed", "lead_handler", 404),  # not assigned yet
    Case("assign", "reviewed", "staff", 409),
    Case("assign", "assigned", "staff", 409),
    # extend
    Case("extend", "assigned", "staff", 200, "assigned"),
    Case("extend", "assigned", "member", 403),
    Case("extend", "assigned", "lead_handler", 403),
    Case("extend", "assigned", "other_handler", 404),
    Case("extend", "assigned", "foreign_staff", 404),
    Case("extend", "filed", "staff", 409),
    Case("extend", "replied", "staff", 409),
    # feedback
    Case("feedback", "replied", "member", 200, "closed"),
    Case("feedback", "replied", "cosigner", 200, "replied"),  # heard, not decisive
    Case("feedback", "replied", "staff", 403),
    Case("feedback", "replied", "lead_handler", 403),
    Case("feedback", "replied", "other_member", 404),
    Case("feedback", "replied", "other_handler", 404),
    Case("feedback", "assigned", "member", 409),
    # close
    Case("close", "replied", "staff", 200, "closed"),
    Case("close", "replied", "member", 403),
    Case("close", "replied", "foreign_staff", 404),
    Case("close", "replied_now", "staff", 409),  # the feedback window is still open
    Case("close", "assigned", "staff", 409),
    # mark-key
    Case("mark-key", "filed", "staff", 200, "filed"),
    Case("mark-key", "assigned", "staff", 200, "assigned"),
    Case("mark-key", "filed", "member", 403),
    Case("mark-key", "filed", "supervisor", 403),
    Case("mark-key", "filed", "foreign_staff", 404),
    Case("mark-key", "confirmed", "staff", 409),
    # supervise
    Case("supervise", "key_assigned", "supervisor", 200, "assigned"),
    Case("supervise", "key_assigned", "staff", 200, "assigned"),
    Case("supervise", "assigned", "supervisor", 403),  # not one of its supervisors
    Case("supervise", "key_assigned", "member", 403),
    Case("supervise", "key_assigned", "lead_handler", 403),
    Case("supervise", "key_assigned", "other_handler", 404),
    Case("supervise", "key_assigned", "foreign_supervisor", 404),
    Case("supervise", "assigned", "staff", 409),  # not a key proposal
    Case("supervise", "key_filed", "supervisor", 409),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_action_answers_by_role_and_state(case: Case, world, elsewhere):
    p = SETUPS[case.setup](world)
    make_body = BODIES.get(case.action)
    data = make_body(world, elsewhere, p) if make_body else {}
    p.refresh_from_db()
    version, events = p.version, ProposalEvent.objects.count()
    client = token_client(user_of(world, elsewhere, case.user))

    response = client.post(f"{API}/{p.pk}/{case.action}/", data, format="json")

    assert response.status_code == case.status, response.content
    p.refresh_from_db()
    if case.status in (200, 201):
        assert p.state == case.state
        assert p.version > version
        assert ProposalEvent.objects.count() > events
        if case.status == 200:
            assert response.data["id"] == p.pk
            assert response.data["state"] == case.state
            assert response["ETag"] == f'"{p.version}"'
        return
    # Refused: nothing happened, and the answer says why without any of the proposal.
    assert p.version == version
    assert ProposalEvent.objects.count() == events
    assert set(response.data) == {"detail", "code"}
    assert (
        response.data["code"]
        == {
            403: "permission_denied",
            404: "not_found",
            409: "invalid_state",
        }[case.status]
    )


def test_every_proposal_action_is_covered():
    from proposals.api.views import ProposalViewSet

    routed = {
        a.url_path for a in ProposalViewSet.get_extra_actions() if "post" in a.mapping and a.detail
    }
    assert routed == {c.action for c in CASES}
    for action in routed:
        assert {c.status for c in CASES if c.action == action} >= {403, 404, 409}


def test_success_answers_carry_what_the_action_did(world, elsewhere):
    staff = token_client(world.staff)
    filed = staff.post(f"{API}/{flows.reviewed(world).pk}/file/")
    assert filed.status_code == 200
    assert filed.data["number"].startswith("14-2-")

    p = flows.confirmed(world)
    moved = staff.post(
        f"{API}/{p.pk}/transfer/",
        {"committee": elsewhere.committee.pk, "reason": "属地管理"},
        format="json",
    )
    assert moved.status_code == 201
    copy = Proposal.objects.get(pk=moved.data["id"])
    assert moved.data == {
        "id": copy.pk,
        "committee": elsewhere.committee.pk,
        "transferred_from": p.pk,
    }
    assert copy.committee_id == elsewhere.committee.pk and copy.state == "submitted"
    # The receiving committee sees it; the sender still sees its own, now transferred.
    assert token_client(elsewhere.staff).get(f"{API}/{copy.pk}/").status_code == 200
    assert staff.get(f"{API}/{copy.pk}/").status_code == 404
    assert staff.get(f"{API}/{p.pk}/").data["transferred_to"] == copy.pk

    source, target = flows.confirmed(world), flows.submitted(world, cosigners=False)
    merged = staff.post(f"{API}/{source.pk}/merge/", {"into": target.pk}, format="json")
    assert merged.data["merged_into"] == target.pk
    assert staff.get(f"{API}/{target.pk}/").data["merged_proposals"] == [source.pk]

    marked = staff.post(
        f"{API}/{flows.filed(world).pk}/mark-key/",
        {"supervisors": [world.supervisor.pk]},
        format="json",
    )
    assert marked.data["is_key"] is True
    assert [s["id"] for s in marked.data["supervisors"]] == [world.supervisor.pk]

    assigned = assigned_now(world)
    deadline = _reply_deadline(assigned)
    new_due = deadline.due_date + datetime.timedelta(days=20)
    extended = staff.post(
        f"{API}/{assigned.pk}/extend/",
        {"due_date": new_due.isoformat(), "reason": "情况复杂"},
        format="json",
    )
    lead = next(a for a in extended.json()["assignments"] if a["role"] == "lead")
    assert lead["due_date"] == new_due.isoformat()
    deadline.refresh_from_db()
    assert deadline.due_date == new_due and deadline.extended


# ---- bad input: 400 naming the field, never a 500 --------------------------------------------


def _unit_elsewhere(w, x, p):
    return {"lead_unit": x.units[0].pk}


BAD = [
    ("review", "confirmed", "staff", {"stage": "final", "decision": "pass"}, "stage"),
    ("review", "confirmed", "staff", {"stage": "joint", "decision": "pass"}, "stage"),
    ("review", "confirmed", "staff", {"decision": "pass"}, "stage"),
    ("review", "confirmed", "staff", {"stage": "initial", "decision": "maybe"}, "decision"),
    ("review", "confirmed", "staff", {"stage": "initial", "decision": "return"}, "opinion"),
    (
        "review",
        "confirmed",
        "staff",
        {"stage": "initial", "decision": "decline", "decline_ground": "看不懂"},
        "decline_ground",
    ),
    (
        "review",
        "confirmed",
        "staff",
        {
            "stage": "initial",
            "decision": "decline",
            "decline_ground": "不属于本级政府职权范围",
            "forward_to": 999999,
        },
        "forward_to",
    ),
    ("assign", "filed", "staff", {"lead_unit": 999999}, "lead_unit"),
    ("assign", "filed", "staff", _unit_elsewhere, "lead_unit"),
    ("assign", "filed", "staff", {"lead_unit": "abc"}, "lead_unit"),
    ("assign", "filed", "staff", {}, "lead_unit"),
    (
        "assign",
        "filed",
        "staff",
        lambda w, x, p: {"lead_unit": w.units[0].pk, "co_units": ["x"]},
        "co_units",
    ),
    (
        "assign",
        "filed",
        "staff",
        lambda w, x, p: {"lead_unit": w.units[0].pk, "co_units": [w.units[0].pk]},
        "co_units",
    ),
    (
        "assign",
        "filed",
        "staff",
        lambda w, x, p: {"lead_unit": w.units[0].pk, "co_units": [999999]},
        "co_units",
    ),
    (
        "extend",
        "assigned",
        "staff",
        lambda w, x, p: {"due_date": _extension(p, days=200), "reason": "太久"},
        "due_date",
    ),
    (
        "extend",
        "assigned",
        "staff",
        lambda w, x, p: {"due_date": _extension(p, days=-1), "reason": "提前"},
        "due_date",
    ),
    ("extend", "assigned", "staff", {"due_date": "2026-13-40", "reason": "x"}, "due_date"),
    ("extend", "assigned", "staff", lambda w, x, p: {"due_date": _extension(p)}, "reason"),
    (
        "extend",
        "assigned",
        "staff",
        lambda w, x, p: {"due_date": _extension(p), "reason": "x", "assignment": 999999},
        "assignment",
    ),
    (
        "feedback",
        "replied",
        "member",
        {"communication": "happy", "result": "satisfied"},
        "communication",
    ),
    ("feedback", "replied", "member", {"communication": "satisfied"}, "result"),
    (
        "feedback",
        "replied",
        "member",
        {"communication": "satisfied", "result": "dissatisfied"},
        "comment",
    ),
    (
        "remove-cosigner",
        "submitted",
        "staff",
        lambda w, x, p: {"member": w.other_member.pk},
        "member",
    ),
    ("remove-cosigner", "submitted", "staff", {"member": "x"}, "member"),
    ("merge", "confirmed", "staff", {"into": 999999}, "into"),
    ("merge", "confirmed", "staff", lambda w, x, p: {"into": p.pk}, "into"),
    (
        "merge",
        "confirmed",
        "staff",
        lambda w, x, p: {"into": flows.submitted(x).pk},  # another committee's
        "into",
    ),
    ("transfer", "confirmed", "staff", {"committee": 999999, "reason": "x"}, "committee"),
    (
        "transfer",
        "confirmed",
        "staff",
        lambda w, x, p: {"committee": w.committee.pk, "reason": "x"},
        "committee",
    ),
    ("transfer", "confirmed", "staff", lambda w, x, p: {"committee": x.committee.pk}, "reason"),
    ("mark-key", "filed", "staff", {"supervisors": []}, "supervisors"),
    ("mark-key", "filed", "staff", lambda w, x, p: {"supervisors": [w.staff.pk]}, "supervisors"),
    (
        "mark-key",
        "filed",
        "staff",
        lambda w, x, p: {"supervisors": [x.supervisor.pk]},
        "supervisors",
    ),
    ("supervise", "key_assigned", "staff", {}, "content"),
    ("supervise", "key_assigned", "staff", {"content": "  "}, "content"),
    (
        "supervise",
        "key_assigned",
        "staff",
        lambda w, x, p: {
            "content": "x",
            "date": (today() + datetime.timedelta(days=1)).isoformat(),
        },
        "date",
    ),
    ("withdraw", "submitted", "member", {"reason": ["a", "b"]}, "reason"),
]


@pytest.mark.parametrize(
    ("action", "setup", "user", "data", "field"),
    BAD,
    ids=[f"{b[0]}-{b[4]}-{i}" for i, b in enumerate(BAD)],
)
def test_bad_action_input_is_a_400_naming_the_field(
    action, setup, user, data, field, world, elsewhere
):
    p = SETUPS[setup](world)
    body = data(world, elsewhere, p) if callable(data) else data
    p.refresh_from_db()
    version = p.version
    client = token_client(user_of(world, elsewhere, user))

    response = client.post(f"{API}/{p.pk}/{action}/", body, format="json")

    assert field in errors_of(response), response.data
    assert response.data["detail"]
    p.refresh_from_db()
    assert p.version == version


CREATE_BAD = [
    ({}, {"title", "category"}),
    ({"title": "x", "category": "nope"}, {"category"}),
    ({"title": "x" * 201, "category": "social"}, {"title"}),
    ({"title": "  ", "category": "social"}, {"title"}),
    ({"title": "x", "category": "social", "cosigners": ["x"]}, {"cosigners"}),
    ({"title": "x", "category": "social", "cosigners": "1,2"}, {"cosigners"}),
    ({"title": "x", "category": "social", "cosigners": [999999]}, {"cosigners"}),
    ({"title": "x", "category": "social", "topic": 999999}, {"topic"}),
    ({"title": "x", "category": "social", "topic": "abc"}, {"topic"}),
    ({"title": "x", "category": "social", "organization": 999999}, {"organization"}),
]


@pytest.mark.parametrize(("data", "fields"), CREATE_BAD)
def test_bad_drafts_are_400_naming_the_fields(data, fields, world):
    client = token_client(world.member.user)
    response = client.post(f"{API}/", data, format="json")
    assert set(errors_of(response)) == fields
    assert not Proposal.objects.exists()


def test_only_members_and_collective_contacts_draft(world, elsewhere):
    body = {"title": "关于文化惠民的提案", "suggestions": "建议", "category": "cultural"}
    for user in (world.staff, world.lead_handler, world.supervisor):
        assert token_client(user).post(f"{API}/", body, format="json").status_code == 403
    assert not Proposal.objects.exists()

    collective = token_client(world.collective)
    made = collective.post(
        f"{API}/", {**body, "organization": world.organization.pk}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.data["source"] == "collective"
    assert made.data["organization"]["id"] == world.organization.pk
    foreign = collective.post(
        f"{API}/", {**body, "organization": elsewhere.organization.pk}, format="json"
    )
    assert foreign.status_code == 403
    cosigned = collective.post(f"{API}/", {**body, "cosigners": [world.cosigner.pk]}, format="json")
    assert "cosigners" in errors_of(cosigned)
    assert Proposal.objects.count() == 1


def test_cosigners_must_be_other_members_of_the_committee(world, elsewhere):
    client = token_client(world.member.user)
    for cosigners in ([world.member.pk], [elsewhere.cosigner.pk]):
        response = client.post(
            f"{API}/",
            {"title": "x", "category": "social", "cosigners": cosigners},
            format="json",
        )
        assert set(errors_of(response)) == {"cosigners"}
    assert not Proposal.objects.exists()


def test_malformed_bodies_and_ids_never_500(world):
    member, staff = token_client(world.member.user), token_client(world.staff)
    broken = member.post(f"{API}/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.data["code"] == "parse_error"
    listed = member.post(f"{API}/", [1, 2], format="json")
    assert "non_field_errors" in errors_of(listed)
    text = member.post(f"{API}/", "title=x", content_type="text/plain")
    assert text.status_code == 415

    p = flows.confirmed(world)
    broken = staff.post(f"{API}/{p.pk}/review/", "{", content_type="application/json")
    assert broken.status_code == 400
    for bad_id in ("abc", "1.5", "-1", "0", "99999999999999999999"):
        assert staff.get(f"{API}/{bad_id}/").status_code == 404, bad_id
        answer = staff.post(f"{API}/{bad_id}/review/", {"stage": "initial"}, format="json")
        assert answer.status_code == 404, bad_id  # 404 comes before the body
        answer = staff.post(
            f"{API}/{bad_id}/review/", {"stage": "initial", "decision": "pass"}, format="json"
        )
        assert answer.status_code == 404, bad_id
    huge = staff.post(f"{API}/{p.pk}/merge/", {"into": 99999999999999999999}, format="json")
    assert "into" in errors_of(huge)
    huge = staff.post(
        f"{API}/{p.pk}/transfer/",
        {"committee": 99999999999999999999, "reason": "x"},
        format="json",
    )
    assert "committee" in errors_of(huge)
    assert member.get(f"{API}/?page=abc").status_code == 404
    for query, field in (
        ("unit=abc", "unit"),
        ("unit=99999999999999999999", "unit"),
        ("session=1.5", "session"),
        ("state=nonsense", "state"),
        ("year=99999", "year"),
    ):
        assert field in errors_of(member.get(f"{API}/?{query}")), query
    assert member.get(f"{API}/?ordering=secret_field").status_code == 200
    p.refresh_from_db()
    assert p.state == "submitted"


def test_anonymous_and_bad_tokens_are_401(world):
    from rest_framework.test import APIClient

    p = flows.confirmed(world)
    anonymous = APIClient()
    assert anonymous.get(f"{API}/").status_code == 401
    assert anonymous.post(f"{API}/{p.pk}/withdraw/").status_code == 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert wrong.get(f"{API}/{p.pk}/").status_code == 401
    p.refresh_from_db()
    assert p.state == "submitted"


# ---- scoped lists ---------------------------------------------------------------------------


def _ids(client, url: str = f"{API}/") -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.data["results"]]


def test_members_never_see_each_others_drafts(world):
    mine = flows.draft(world)
    theirs = drafting.create_draft(
        world.other_member.user, {"title": "他人的草稿", "category": "social"}
    )
    member, other = token_client(world.member.user), token_client(world.other_member.user)
    assert _ids(member) == [mine.pk]
    assert _ids(other) == [theirs.pk]
    assert other.get(f"{API}/{mine.pk}/").status_code == 404
    assert other.get(f"{API}/{mine.pk}/events/").status_code == 404
    # A co-signer sees the proposal only once it is submitted.
    cosigner = token_client(world.cosigner.user)
    assert _ids(cosigner) == []
    drafting.submit(world.member.user, mine)
    assert _ids(cosigner) == [mine.pk]
    assert _ids(token_client(world.staff)) == [mine.pk]


def test_county_staff_never_see_city_proposals(world, county):
    city = flows.confirmed(world)
    local = flows.confirmed(county)
    county_staff, city_staff = token_client(county.staff), token_client(world.staff)
    assert _ids(county_staff) == [local.pk]
    assert _ids(city_staff) == [city.pk]
    assert county_staff.get(f"{API}/{city.pk}/").status_code == 404
    answer = county_staff.post(
        f"{API}/{city.pk}/review/", {"stage": "initial", "decision": "pass"}, format="json"
    )
    assert answer.status_code == 404
    assert _ids(county_staff, f"{API}/?committee={world.committee.pk}") == []


def test_units_see_only_proposals_assigned_to_them(world):
    p = assigned_now(world)
    flows.submitted(world)
    assert _ids(token_client(world.lead_handler)) == [p.pk]
    assert _ids(token_client(world.co_handler)) == [p.pk]
    other = token_client(world.other_handler)
    assert _ids(other) == []
    assert other.get(f"{API}/{p.pk}/").status_code == 404
    assert other.get(f"{API}/{p.pk}/events/").status_code == 404


def test_hints_are_per_user(world):
    p = assigned_now(world)
    detail = {
        name: token_client(user_of(world, None, name)).get(f"{API}/{p.pk}/").data
        for name in ("member", "staff", "lead_handler", "co_handler")
    }
    assert detail["member"]["allowed_actions"] == []
    assert detail["member"]["assignment_actions"] == []
    assert set(detail["staff"]["allowed_actions"]) == {"extend", "mark_key"}
    lead_id = flows.lead_assignment(p).pk
    co_id = flows.co_assignment(p).pk
    assert detail["lead_handler"]["assignment_actions"] == [
        {"assignment": lead_id, "actions": ["accept", "request_reassignment"]}
    ]
    assert detail["co_handler"]["assignment_actions"] == [
        {"assignment": co_id, "actions": ["accept", "request_reassignment", "give_opinion"]}
    ]


# ---- edit with If-Match, delete ---------------------------------------------------------------


def test_patch_with_if_match(world):
    p = flows.draft(world)
    client = token_client(world.member.user)
    got = client.get(f"{API}/{p.pk}/")
    assert got["ETag"] == f'"{p.version}"'
    current = got["ETag"]

    stale = client.patch(
        f"{API}/{p.pk}/",
        {"title": "改过的案由"},
        format="json",
        HTTP_IF_MATCH=f'"{p.version - 1}"',
    )
    assert stale.status_code == 412 and stale.data["code"] == "stale"
    p.refresh_from_db()
    assert p.title == "关于加快发展数字经济的提案" and got.data["version"] == p.version

    changed = client.patch(
        f"{API}/{p.pk}/",
        {"title": "改过的案由", "cosigners": []},
        format="json",
        HTTP_IF_MATCH=current,
    )
    assert changed.status_code == 200
    assert changed.data["title"] == "改过的案由" and changed.data["cosigners"] == []
    assert changed["ETag"] == f'"{p.version + 1}"' != current

    # The old ETag is now stale; the new one works; no If-Match is last-write-wins.
    again = client.patch(f"{API}/{p.pk}/", {"title": "再改"}, format="json", HTTP_IF_MATCH=current)
    assert again.status_code == 412
    again = client.patch(
        f"{API}/{p.pk}/", {"title": "再改"}, format="json", HTTP_IF_MATCH=changed["ETag"]
    )
    assert again.status_code == 200 and again.data["title"] == "再改"
    weak = client.patch(
        f"{API}/{p.pk}/", {"title": "弱校验"}, format="json", HTTP_IF_MATCH=f"W/{again['ETag']}"
    )
    assert weak.status_code == 200
    bad = client.patch(f"{API}/{p.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH="yesterday")
    assert "If-Match" in errors_of(bad)
    assert client.patch(f"{API}/{p.pk}/", {"title": "无条件"}, format="json").status_code == 200
    assert client.put(f"{API}/{p.pk}/", {"title": "x"}, format="json").status_code == 405
    events = [e.action for e in ProposalEvent.objects.filter(proposal=p)]
    assert events == ["create", "edit", "edit", "edit", "edit"]


def test_patch_is_for_the_proposer_of_a_draft_or_returned_proposal(world):
    member = token_client(world.member.user)
    submitted = flows.submitted(world)
    response = member.patch(f"{API}/{submitted.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.title != "x"

    back = returned(world)
    assert (
        member.patch(f"{API}/{back.pk}/", {"title": "补充后"}, format="json").data["title"]
        == "补充后"
    )
    staff = token_client(world.staff)
    assert staff.patch(f"{API}/{back.pk}/", {"title": "x"}, format="json").status_code == 403
    draft = flows.draft(world)
    other = token_client(world.other_member.user)
    assert other.patch(f"{API}/{draft.pk}/", {"title": "x"}, format="json").status_code == 404
    bad = member.patch(f"{API}/{draft.pk}/", {"category": "nope"}, format="json")
    assert "category" in errors_of(bad)
    bad = member.patch(f"{API}/{draft.pk}/", {"cosigners": [world.member.pk]}, format="json")
    assert "cosigners" in errors_of(bad)
    draft.refresh_from_db()
    assert draft.version == 1


def test_delete_discards_a_draft_but_not_a_filed_proposal(world):
    member = token_client(world.member.user)
    draft = flows.draft(world)
    other = token_client(world.other_member.user)
    assert other.delete(f"{API}/{draft.pk}/").status_code == 404
    response = member.delete(f"{API}/{draft.pk}/")
    assert response.status_code == 204
    draft.refresh_from_db()
    assert draft.state == "withdrawn"  # kept, as withdrawn
    assert member.get(f"{API}/{draft.pk}/").data["state"] == "withdrawn"
    assert member.delete(f"{API}/{draft.pk}/").status_code == 409

    filed = flows.filed(world)
    assert member.delete(f"{API}/{filed.pk}/").status_code == 409
    assert token_client(world.staff).delete(f"{API}/{filed.pk}/").status_code == 409
    filed.refresh_from_db()
    assert filed.state == "filed"
    back = returned(world)
    assert token_client(world.staff).delete(f"{API}/{back.pk}/").status_code == 403
    assert member.delete(f"{API}/{back.pk}/").status_code == 204


# ---- filters, ordering and pagination ---------------------------------------------------------


def test_filters(world):
    staff = token_client(world.staff)
    economic = flows.confirmed(world, title="关于数字经济的提案")
    social = flows.confirmed(world, title="关于养老服务的提案", category="social")
    late = flows.assigned(world, title="关于停车难的提案")  # assigned in 2025: overdue
    on_time = assigned_now(world)
    keyed = supervision.mark_key(world.staff, flows.filed(world), [world.supervisor.pk])
    separate = review.file(world.staff, flows.reviewed(world))
    handling.assign(world.staff, separate, lead_unit=None, separate_units=[world.units[2].pk])

    collective = drafting.create_draft(
        world.collective, {"title": "集体提案", "suggestions": "建议", "category": "cultural"}
    )
    drafting.submit(world.collective, collective)
    sector = SectorFactory(committee=world.committee, name="教育界")
    teacher = MemberFactory(committee=world.committee, sector=sector)
    taught = drafting.create_draft(
        teacher.user, {"title": "教育提案", "suggestions": "建议", "category": "social"}
    )
    drafting.submit(teacher.user, taught)
    later = Session.objects.create(
        committee=world.committee,
        term=14,
        meeting=3,
        plenary_start=datetime.date(2026, 1, 10),
        plenary_end=datetime.date(2026, 1, 14),
    )
    Proposal.objects.filter(pk=taught.pk).update(
        session=later, submitted_at=timezone.make_aware(datetime.datetime(2024, 12, 1))
    )

    def ids(query: str) -> set[int]:
        response = staff.get(f"{API}/?{query}&page_size=100")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.data["results"]}

    everything = ids("")
    assert len(everything) == 8
    assert ids("state=submitted") == {economic.pk, social.pk, collective.pk, taught.pk}
    assert ids("state=assigned&state=filed") == {late.pk, on_time.pk, keyed.pk, separate.pk}
    assert ids("category=social") == {social.pk, taught.pk}
    assert ids("category=social&category=cultural") == {social.pk, taught.pk, collective.pk}
    assert ids("source=collective") == {collective.pk}
    assert ids("source=member") == everything - {collective.pk}
    assert ids(f"session={later.pk}") == {taught.pk}
    assert ids(f"session={world.session.pk}") == everything - {taught.pk}
    assert ids("year=2024") == {taught.pk}
    assert ids(f"unit={world.units[0].pk}") == {late.pk, on_time.pk}
    assert ids(f"unit={world.units[2].pk}") == {separate.pk}
    assert ids(f"sector={sector.pk}") == {taught.pk}
    assert ids("key=true") == {keyed.pk}
    assert ids("key=false") == everything - {keyed.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("overdue=false") == everything - {late.pk}
    # The search index follows commits (proposals.search); this test is one transaction.
    call_command("reindex_search", stdout=io.StringIO())
    assert ids("q=养老") == {social.pk}
    assert ids(f"q={keyed.number}") == {keyed.pk}
    assert ids("q=停车&state=assigned") == {late.pk}
    assert ids("q=停车&state=submitted") == set()
    # Filters never widen what the caller may see.
    assert {
        r["id"]
        for r in token_client(world.lead_handler)
        .get(f"{API}/?unit={world.units[2].pk}")
        .data["results"]
    } == set()


def test_ordering_and_stable_pagination(world):
    made = [flows.confirmed(world, title=f"提案{n:02d}") for n in range(7)]
    staff = token_client(world.staff)

    def page(query: str) -> dict:
        response = staff.get(f"{API}/?{query}")
        assert response.status_code == 200, response.content
        return response.data

    assert [r["id"] for r in page("page_size=50")["results"]] == [p.pk for p in reversed(made)]
    assert [r["title"] for r in page("ordering=title&page_size=50")["results"]] == [
        f"提案{n:02d}" for n in range(7)
    ]
    assert [r["id"] for r in page("ordering=id&page_size=50")["results"]] == [p.pk for p in made]

    first = page("page_size=3")
    assert first["count"] == 7 and first["previous"] is None and first["next"]
    seen = [r["id"] for r in first["results"]]
    seen += [r["id"] for r in page("page_size=3&page=2")["results"]]
    last = page("page_size=3&page=3")
    assert last["next"] is None
    seen += [r["id"] for r in last["results"]]
    assert seen == [p.pk for p in reversed(made)]
    assert [r["id"] for r in page("page_size=3&page=2")["results"]] == seen[3:6]  # stable
    # Equal sort keys (same state) still page without repeats or gaps.
    by_state = []
    for n in (1, 2, 3):
        by_state += [r["id"] for r in page(f"ordering=state&page_size=3&page={n}")["results"]]
    assert sorted(by_state) == sorted(p.pk for p in made)
    assert staff.get(f"{API}/?page_size=3&page=4").status_code == 404


# ---- query counts ---------------------------------------------------------------------------

# Token and roles (2), count, page, co-signers, units and their deadlines, then one query
# per relation the rules read (workflow.RULE_READS), only if a row's state needs it (rule
# sets come from the reference cache, filled by the warm-up request).
# A unit sees no proposal under review: no reviews to read.
PROPOSAL_LIST_QUERIES = {"staff": 12, "member": 12, "lead_handler": 11}
ASSIGNMENT_LIST_QUERIES = 7
DETAIL_CEILING = 16


def test_list_queries_do_not_grow_with_page_size(world, django_assert_max_num_queries):
    made = many_proposals(world)
    assert len(made) == 40
    assert Assignment.objects.count() == 32
    for who, expected in PROPOSAL_LIST_QUERIES.items():
        client = token_client(user_of(world, None, who))
        client.get(f"{API}/?page_size=1")  # warm-up: reference data cached
        with django_assert_max_num_queries(expected) as small:
            five = client.get(f"{API}/?page_size=5")
        with django_assert_max_num_queries(expected) as large:
            forty = client.get(f"{API}/?page_size=40")
        assert len(five.data["results"]) == 5
        # A unit sees the 16 proposals assigned to it and the 4 merged into them.
        assert len(forty.data["results"]) == (20 if who == "lead_handler" else 40)
        # The first page already holds every kind of related row: per-row queries would show.
        assert {r["state"] for r in five.data["results"]} >= {"assigned", "closed"}
        assert any(r["assignments"] for r in five.data["results"])
        # Forty rows in every state cost the bound; five rows at most as much.
        assert len(small.captured_queries) <= len(large.captured_queries) == expected, who

        with django_assert_max_num_queries(ASSIGNMENT_LIST_QUERIES) as small:
            five = client.get("/api/v1/assignments/?page_size=5")
        with django_assert_max_num_queries(ASSIGNMENT_LIST_QUERIES) as large:
            forty = client.get("/api/v1/assignments/?page_size=40")
        assert len(five.data["results"]) == 5
        assert len(forty.data["results"]) == (16 if who == "lead_handler" else 32)
        assert len(small.captured_queries) == len(large.captured_queries), who


def test_proposal_detail_queries_do_not_grow_with_related_rows(
    world, django_assert_max_num_queries
):
    """A proposal with twice the co-signers, co-units and merged proposals costs the same."""
    small = flows.assigned(world, on=today())
    review.merge(world.staff, flows.confirmed(world), into=small.pk)

    big = drafting.create_draft(
        world.member.user,
        {"title": "大提案", "suggestions": "建议", "category": "social"},
        cosigners=[world.cosigner.pk, world.other_member.pk],
    )
    drafting.submit(world.member.user, big)
    drafting.cosign(world.cosigner.user, big)
    drafting.cosign(world.other_member.user, big)
    for stage in ("initial", "second", "joint"):
        review.review(world.staff, big, stage=stage, decision="pass")
    review.file(world.staff, big)
    handling.assign(
        world.staff, big, lead_unit=world.units[0].pk, co_units=[u.pk for u in world.units[1:]]
    )
    for _ in range(2):
        review.merge(world.staff, flows.confirmed(world), into=big.pk)

    staff = token_client(world.staff)
    counts = []
    for p in (small, big):
        with django_assert_max_num_queries(DETAIL_CEILING) as captured:
            response = staff.get(f"{API}/{p.pk}/")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert len(response.data["assignments"]) == 3
    assert len(response.data["merged_proposals"]) == 2
    assert len(response.data["cosigners"]) == 2
    assert counts[0] == counts[1], counts
