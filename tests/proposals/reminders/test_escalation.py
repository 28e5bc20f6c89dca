"""Who is reminded: the escalation ladder, co-units, proposers and co-signers."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from committees.workcalendar import WorkCalendar
from proposals.choices import DeadlineKind
from proposals.models import Deadline, Reminder
from proposals.services import drafting, supervision
from tests import flows
from tests.proposals.reminders.helpers import days, leader_of, run, sent, workday_before

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def reply_due(p) -> datetime.date:
    return Deadline.objects.get(proposal=p, kind="reply", assignment__role="lead").due_date


@pytest.fixture
def calendar(world) -> WorkCalendar:
    return WorkCalendar.for_committee(world.committee.pk)


def test_the_ladder_climbs_from_handler_to_leader_to_staff(world, calendar):
    leader = leader_of(world)
    p = flows.assigned(world, with_co=False)
    due = reply_due(p)
    steps = {
        workday_before(calendar, due, 1): {world.lead_handler.pk},
        due: {world.lead_handler.pk},
        workday_before(calendar, due, -5): {world.lead_handler.pk, leader.pk},
        workday_before(calendar, due, -10): {world.lead_handler.pk, leader.pk, world.staff.pk},
    }
    for day, expected in steps.items():
        run(day)
        assert {user for _t, user in sent(day, kind="reply")} == expected, day
    staff_reminder = Reminder.objects.get(user=world.staff, threshold="overdue:10")
    assert staff_reminder.audience == "staff"
    assert staff_reminder.message.startswith("【督办】")
    assert "已逾期 10 个工作日" in staff_reminder.message


def test_supervisors_of_a_key_proposal_join_from_the_due_day(world, calendar):
    p = flows.assigned(world, with_co=False)
    supervision.mark_key(world.staff, p, supervisors=[world.supervisor.pk])
    due = reply_due(p)
    run(workday_before(calendar, due, 1))
    run(due)
    assert not Reminder.objects.filter(user=world.supervisor, threshold="before:1").exists()
    assert Reminder.objects.get(user=world.supervisor, threshold="due").audience == "supervisors"


def test_supervisors_of_an_ordinary_proposal_are_not_reminded(world, calendar):
    p = flows.assigned(world, with_co=False)
    run(workday_before(calendar, reply_due(p), -10))
    assert not Reminder.objects.filter(user=world.supervisor).exists()


def test_the_co_unit_is_reminded_of_its_opinion_deadline(world, calendar):
    p = flows.assigned(world)
    co_due = Deadline.objects.get(proposal=p, kind=DeadlineKind.CO_OPINION).due_date
    assert co_due == D(2025, 4, 10)
    day = workday_before(calendar, co_due, 3)
    run(day)
    reminder = Reminder.objects.get(kind=DeadlineKind.CO_OPINION, for_date=day)
    assert reminder.user == world.co_handler and reminder.threshold == "before:3"
    assert "会办意见期限" in reminder.message


def test_the_proposer_is_reminded_before_the_feedback_window_closes(world, calendar):
    p = flows.replied(world)
    due = Deadline.objects.get(proposal=p, kind=DeadlineKind.FEEDBACK).due_date
    for day in days(flows.DAY, due + datetime.timedelta(days=10)):
        run(day)
    feedback = Reminder.objects.filter(kind=DeadlineKind.FEEDBACK)
    assert set(feedback.values_list("threshold", "user_id")) == {
        ("before:5", world.member.user.pk),
        ("before:1", world.member.user.pk),
        ("due", world.member.user.pk),
    }
    assert "逾期未反馈的视为满意" in feedback.first().message


def test_co_signers_are_reminded_while_their_confirmation_waits(world):
    with time_machine.travel(datetime.datetime(2025, 3, 10, 9, tzinfo=SHANGHAI), tick=False):
        p = flows.submitted(world)  # Monday 10 March 2025, co-signer invited
    for day in days(D(2025, 3, 10), D(2025, 4, 10)):
        run(day)
    waits = Reminder.objects.filter(kind="cosign").order_by("for_date")
    assert list(waits.values_list("for_date", "threshold")) == [
        (D(2025, 3, 12), "waiting:2"),
        (D(2025, 3, 17), "waiting:5"),
        (D(2025, 3, 20), "waiting:8"),
    ]
    assert {r.user_id for r in waits} == {world.cosigner.user.pk}
    # Once confirmed, nothing more.
    drafting.cosign(world.cosigner.user, p)
    assert run(D(2025, 3, 25)).recorded == 0


def test_a_unit_with_no_marked_handler_reminds_all_its_contacts_but_the_leader(world, calendar):
    leader = leader_of(world)
    p = flows.assigned(world, with_co=False)
    day = workday_before(calendar, reply_due(p), 7)
    run(day)
    assert {u for _t, u in sent(day, kind="reply")} == {world.lead_handler.pk}
    assert leader.pk not in {u for _t, u in sent(day)}
