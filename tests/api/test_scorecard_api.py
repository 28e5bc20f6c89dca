"""``/api/v1/scorecard/``: the scorecard page's figures as JSON, with its scope and its
400s for bad input (the figures themselves are tested in tests/proposals/reports)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from proposals.models import Proposal
from tests.api.conftest import errors_of
from tests.factories import World
from tests.proposals.reports.test_scorecard import build

URL = "/api/v1/scorecard/"

pytestmark = pytest.mark.django_db


def test_staff_get_every_unit_with_the_pages_figures(as_user, world):
    build(world)
    response = as_user(world.staff).get(URL, {"session": world.session.pk, "sort": "-overdue"})
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["id"] for r in rows] == [world.units[1].pk, world.units[0].pk, world.units[2].pk]
    unit0 = rows[1]
    assert (unit0["assigned"], unit0["replied"], unit0["replied_on_time"]) == (3, 3, 2)
    assert (unit0["on_time_rate"], unit0["median_workdays"], unit0["rehandled"]) == (
        66.67,
        4.0,
        1,
    )
    assert unit0["classes"] == [
        {"code": "A", "label": "已解决或采纳", "count": 2, "share": 66.67},
        {"code": "B", "label": "正在解决或列入计划", "count": 1, "share": 33.33},
        {"code": "C", "label": "因条件限制留作参考", "count": 0, "share": 0.0},
    ]
    assert rows[0]["on_time_rate"] is None and rows[0]["overdue"] == 1


def test_a_unit_gets_its_own_row_and_a_member_a_403(as_user, world):
    build(world)
    rows = as_user(world.lead_handler).get(URL, {"session": world.session.pk}).json()
    assert [r["id"] for r in rows] == [world.units[0].pk]
    assert as_user(world.member.user).get(URL).status_code == 403


def test_without_year_or_session_it_is_the_latest_year_with_proposals(as_user, world):
    build(world)
    client = as_user(world.staff)
    submitted = Proposal.objects.filter(committee=world.committee).latest("submitted_at")
    year = timezone.localtime(submitted.submitted_at).year
    latest = client.get(URL, {"year": year}).json()
    assert len(latest) == 3
    assert client.get(URL).json() == latest
    # Lead and co-handling work apart: a co-unit replies nothing, it gives opinions.
    assert all(r["lead"] + r["co"] == r["assigned"] for r in latest)
    assert any(r["co"] and r["opinions"] for r in latest)
    assert all(r["opinions"] <= r["co"] and r["replied"] <= r["lead"] for r in latest)


def test_bad_input_is_a_400_naming_the_field(as_user, world):
    stranger = World.build(prefix="x")
    client = as_user(world.staff)
    assert "year" in errors_of(client.get(URL, {"year": "abc"}))
    assert "committee" in errors_of(client.get(URL, {"committee": stranger.committee.pk}))
    assert "non_field_errors" in errors_of(client.get(URL, {"sort": "bogus"}))
