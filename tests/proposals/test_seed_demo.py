"""The demo world: the 2023 figures of the report, a live session in every state, the logins.

Seeding takes a few seconds, so one test builds the world and checks it from many
sides; the others check the command's guard rails and ``rundemo``.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from committees.models import Committee, HandlingUnit, Session
from demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from members.models import Member, User
from members.roles import roles_of
from proposals import workflow
from proposals.choices import CosignerStatus, DeadlineKind, RequestStatus, State
from proposals.models import (
    Assignment,
    Cosigner,
    Deadline,
    NumberSequence,
    Proposal,
    ProposalEvent,
    ReassignmentRequest,
    Reminder,
    Review,
)

TODAY = datetime.date(2024, 11, 20)
SEED = 7

LIVE_STATES = {
    State.DRAFT,
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.RETURNED,
    State.WITHDRAWN,
    State.DECLINED,
    State.MERGED,
    State.TRANSFERRED,
    State.FILED,
    State.ASSIGNED,
    State.REPLIED,
    State.REHANDLING,
    State.CLOSED,
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", seed=SEED, today=TODAY.isoformat(), stdout=out, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Proposal.objects.order_by("id").values_list(
            "committee__code", "title", "state", "number", "submitted_at", "closed_at"
        )
    )


def assert_2023_matches_the_report(city: Committee) -> None:
    received = Proposal.objects.filter(committee=city, submitted_at__year=2023).exclude(
        state=State.DRAFT
    )
    filed = received.exclude(number="")
    assert received.count() == 743
    assert filed.count() == 618
    by_source = dict(filed.values_list("source").annotate(n=Count("id")))
    assert by_source == {"member": 465, "collective": 153}
    by_category = dict(filed.values_list("category").annotate(n=Count("id")))
    assert by_category == {
        "economic": 178,
        "political": 51,
        "cultural": 75,
        "social": 269,
        "ecological": 45,
    }
    # The 125 not filed: declined, merged into filed ones, withdrawn.
    not_filed = dict(received.filter(number="").values_list("state").annotate(n=Count("id")))
    assert set(not_filed) == {State.DECLINED, State.MERGED, State.WITHDRAWN}
    assert sum(not_filed.values()) == 125
    assert not received.filter(state=State.MERGED, merged_into__number="").exists()
    assert not received.filter(state=State.DECLINED, decline_ground="").exists()
    # All 618 answered on time and closed, by 78 units, 50 of them key proposals.
    assert set(filed.values_list("state", flat=True)) == {State.CLOSED}
    assert not Deadline.objects.filter(proposal__in=filed, is_open=True).exists()
    replies = Deadline.objects.filter(proposal__in=filed, kind=DeadlineKind.REPLY)
    replying = Assignment.objects.filter(proposal__in=filed).exclude(role="co")
    assert replies.count() == replying.count()
    assert not replies.filter(assignment__replies__reply_date__gt=F("due_date")).exists()
    assert Assignment.objects.filter(proposal__in=filed).values("unit").distinct().count() == 78
    key = filed.filter(is_key=True)
    assert key.count() == 50
    assert not key.filter(supervisors__isnull=True).exists()
    assert Review.objects.filter(proposal__in=filed, decision="pass").count() == 3 * 618
    # The audit trail: every filed proposal went through each step, all in 2023.
    for action in ("create", "submit", "review", "file", "assign", "reply", "feedback"):
        done = ProposalEvent.objects.filter(proposal__in=filed, action=action)
        assert done.values("proposal").distinct().count() == 618, action
    assert (
        not ProposalEvent.objects.filter(proposal__in=received)
        .exclude(created_at__year=2023)
        .exists()
    )
    last = ProposalEvent.objects.filter(proposal__in=filed, action="feedback")
    assert set(last.values_list("to_state", flat=True)) == {State.CLOSED}


def assert_numbers_gap_free() -> None:
    for session in Session.objects.all():
        sequences = sorted(
            Proposal.objects.filter(session=session, sequence__isnull=False).values_list(
                "sequence", flat=True
            )
        )
        counter = NumberSequence.objects.filter(session=session).first()
        assert sequences == list(range(1, len(sequences) + 1)), session
        assert (counter.last if counter else 0) == len(sequences), session
    numbered = Proposal.objects.exclude(number="")
    assert numbered.values("committee", "number").distinct().count() == numbered.count()


def assert_logins() -> None:
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD), login.username
        assert login.role in roles_of(user), login.username
        if login.committee:
            assert user.committee.code == login.committee
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert User.objects.get(username="unit_fgw").unit.name == "市发展和改革委员会"
    assert User.objects.get(username="unit_jyj").unit.name == "市教育局"
    assert User.objects.get(username="minge").organization.name == "民革太原市委会"
    assert Member.objects.filter(user__username__in=["member", "cosigner"]).count() == 2
    others = User.objects.exclude(username__in=[login.username for login in DEMO_LOGINS])
    assert not any(user.has_usable_password() for user in others)
    assert not others.filter(committee__isnull=True).exists()


def assert_live_session(city: Committee) -> None:
    live = Proposal.objects.filter(committee=city).exclude(submitted_at__year=2023)
    assert set(live.values_list("state", flat=True)) >= LIVE_STATES
    assert 40 <= live.count() <= 60
    current = Session.objects.for_date(city, TODAY)
    assert current.name == "十四届三次会议"
    assert not live.exclude(session=current).exists()
    # Live proposals came through the services: each submitted one has a submit event.
    submitted = live.exclude(state=State.DRAFT)
    assert submitted.filter(events__action="submit").distinct().count() == submitted.count()

    member = User.objects.get(username="member")
    assert len(set(live.filter(proposer=member).values_list("state", flat=True))) >= 6
    cosigner = User.objects.get(username="cosigner")
    invitation = Cosigner.objects.get(
        member__user=cosigner, status=CosignerStatus.INVITED, proposal__proposer=member
    )
    assert "cosign" in workflow.allowed_actions(cosigner, invitation.proposal, TODAY)

    fgw = User.objects.get(username="unit_fgw")
    overdue = Deadline.objects.filter(
        assignment__unit=fgw.unit, kind=DeadlineKind.REPLY, is_open=True, due_date__lt=TODAY
    )
    assert overdue.exists()
    assert all(d.assignment.assigned_on < TODAY - datetime.timedelta(days=90) for d in overdue)
    replyable = [
        a
        for a in Assignment.objects.visible_to(fgw)
        if "reply" in workflow.allowed_assignment_actions(fgw, a, TODAY)
    ]
    assert replyable

    request = ReassignmentRequest.objects.get(
        status=RequestStatus.PENDING, assignment__proposal__committee=city
    )
    assert request.requested_by.username == "unit_jyj"
    key = live.get(is_key=True)
    assert User.objects.get(username="leader") in key.supervisors.all()
    assert key.supervisions.exists()
    assert live.filter(state=State.MERGED, merged_into__state=State.FILED).exists()
    transferred = live.get(state=State.TRANSFERRED)
    assert transferred.transferred_to.committee.code == "xiaodian"


@pytest.mark.django_db
def test_seed_demo_builds_the_taiyuan_world_and_is_deterministic():
    output = seed()
    assert "收到提案 743 件" in output and "demo12345" in output

    city = Committee.objects.get(code="taiyuan")
    assert city.level == Committee.Level.CITY and city.parent is None
    units = HandlingUnit.objects.filter(committee=city)
    assert units.count() == 78
    assert units.values("name").distinct().count() == 78
    assert units.filter(kind=HandlingUnit.Kind.COUNTY_GOVERNMENT).count() == 10
    counties = Committee.objects.filter(level=Committee.Level.COUNTY)
    assert set(counties.values_list("code", flat=True)) == {"xiaodian", "yingze"}
    for county in counties:
        assert county.parent == city
        assert HandlingUnit.objects.filter(committee=county).count() >= 6
        assert Member.objects.filter(committee=county).count() == 20
        assert Proposal.objects.filter(committee=county).count() >= 15
        states = set(Proposal.objects.filter(committee=county).values_list("state", flat=True))
        assert {State.DRAFT, State.ASSIGNED, State.CLOSED} <= states

    assert_2023_matches_the_report(city)
    assert_numbers_gap_free()
    assert_logins()
    assert_live_session(city)

    with pytest.raises(CommandError, match="--reset"):
        seed()

    before = fingerprint()
    output = seed(reset=True)
    assert "已删除原有政协" in output
    assert fingerprint() == before
    assert Committee.objects.count() == 3


@pytest.mark.django_db
def test_seed_demo_refuses_a_today_before_the_live_session():
    with pytest.raises(CommandError, match="--today"):
        call_command("seed_demo", today="2024-01-15", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", today="20-11-2024", stdout=StringIO())
    assert not Committee.objects.exists()


@pytest.mark.django_db
def test_rundemo_without_server_creates_the_world_when_empty():
    assert not Committee.objects.exists()
    out = StringIO()
    call_command("rundemo", no_server=True, seed=SEED, today=TODAY.isoformat(), stdout=out)
    assert "http://127.0.0.1:8000" in out.getvalue()
    assert Committee.objects.count() == 3
    # The day's reminders went out in-process, and the output says how many.
    recorded = Reminder.objects.filter(for_date=TODAY).count()
    assert f"{TODAY}：检查" in out.getvalue() and f"新增提醒 {recorded} 条" in out.getvalue()
    assert User.objects.filter(username="staff").exists()

    again = StringIO()
    call_command("rundemo", no_server=True, stdout=again)
    assert "跳过" in again.getvalue() and "member" in again.getvalue()
    assert Committee.objects.count() == 3
