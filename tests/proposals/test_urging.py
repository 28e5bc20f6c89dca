"""催办: staff urge a unit whose deadline has passed, from the overdue board; the reminders
go through the reminder outbox and the proposal's log says who urged whom."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail

from cppcc.errors import InvalidTransition, NotPermitted
from proposals.models import ProposalEvent, Reminder
from proposals.services import urging
from tests import flows
from tests.helpers import logged_in
from tests.proposals.reminders.helpers import leader_of


def test_staff_urge_an_overdue_unit_from_the_board(
    client, world, django_capture_on_commit_callbacks
):
    p = flows.assigned(world, title="早已超期")  # reply due 10 June 2025; today 16 Nov 2026
    lead = flows.lead_assignment(p)
    leader = leader_of(world)
    board = logged_in(client, world.staff).get("/proposals/overdue/").content.decode()
    assert re.search(r'class="days-late">\d{3} 个工作日', board)
    assert f"/proposals/assignments/{lead.pk}/act/urge/" in board
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/proposals/assignments/{lead.pk}/act/urge/", {"next": "/proposals/overdue/"}
        )
    assert answer.status_code == 302 and answer.url == "/proposals/overdue/"
    sent = Reminder.objects.filter(assignment=lead, threshold="manual")
    assert {(r.user, r.audience, r.status) for r in sent} == {
        (world.lead_handler, "handler", "sent"),
        (leader, "leader", "sent"),
    }
    assert sent.first().threshold_label == "人工催办"
    assert "【催办】" in sent.first().message and "已逾期" in sent.first().message
    assert {m.to[0] for m in mail.outbox} >= {world.lead_handler.email, leader.email}
    event = ProposalEvent.objects.filter(proposal=p, action="urge").get()
    assert event.actor == world.staff
    assert event.message.startswith(f"催办{world.units[0].name}（期限 2025-06-10，已逾期")
    assert event.message.endswith("提醒 2 人")

    # Once a day: a second 催办 is refused with the reason, nothing is sent twice.
    with pytest.raises(InvalidTransition, match="今天已催办过该单位"):
        urging.urge(world.staff, lead)
    assert sent.count() == 2


def test_only_overdue_work_is_urged_and_only_by_staff(world):
    p = flows.assigned(world, on=datetime.date(2026, 11, 16), title="刚交办")  # the fixed clock
    with pytest.raises(InvalidTransition, match="尚未届满"):
        urging.urge(world.staff, flows.lead_assignment(p))
    late = flows.assigned(world, title="早已超期")
    with pytest.raises(NotPermitted):
        urging.urge(world.member.user, flows.lead_assignment(late))
    assert not Reminder.objects.filter(threshold="manual").exists()
