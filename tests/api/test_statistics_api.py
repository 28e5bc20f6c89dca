"""GET /api/v1/statistics/: numbers, scope, filters, errors and query counts over HTTP."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from members.models import User
from proposals.models import Proposal
from proposals.services import drafting
from tests import flows
from tests.api.conftest import errors_of
from tests.helpers import page_queries
from tests.proposals.test_statistics import Small, build_small

URL = "/api/v1/statistics/"


@pytest.fixture
def small(world) -> Small:
    return build_small(world)


def get(as_user, user, **params):
    return as_user(user).get(URL, params)


def split(rows: list[dict], *keys: str) -> dict:
    return {row["value"]: tuple(row[k] for k in keys) for row in rows}


def test_city_staff_get_the_numbers(as_user, small):
    response = get(as_user, small.w.staff)
    assert response.status_code == 200, response.data
    data = response.json()
    assert (data["received"], data["filed"], data["filing_rate"]) == (8, 6, 75.0)
    assert (data["year"], data["session"], data["committee"]) == (None, None, None)
    assert split(data["by_source"], "received", "filed", "filed_share") == {
        "member": (7, 5, 83.33),
        "collective": (1, 1, 16.67),
    }
    assert split(data["by_category"], "filed", "filed_share")["social"] == (2, 33.33)
    assert {r["value"]: r["count"] for r in data["by_state"]}["declined"] == 1
    replies = data["replies"]
    assert (replies["replied"], replies["on_time"], replies["on_time_rate"]) == (4, 3, 75.0)
    assert split(replies["classes"], "count", "share") == {
        "A": (2, 50.0),
        "B": (1, 25.0),
        "C": (1, 25.0),
    }
    satisfaction = data["satisfaction"]
    assert satisfaction["responses"] == 2
    assert split(satisfaction["result"], "count")["basically_satisfied"] == (1,)
    # Deadlines opened on 2025-03-10 are long past: the one open reply is overdue.
    assert data["overdue"] == 1
    lead = small.w.units[0]
    assert data["units"][0] == {
        "id": lead.pk,
        "name": lead.name,
        "assigned": 5,
        "replied": 4,
        "overdue": 1,
    }
    assert [(s["name"], s["received"], s["filed"]) for s in data["sectors"]] == [
        ("经济界", 7, 5),
        ("未注明界别", 1, 1),
    ]
    assert data["committees"] == [
        {
            "id": small.w.committee.pk,
            "name": small.w.committee.name,
            "received": 8,
            "filed": 6,
            "filing_rate": 75.0,
        }
    ]
    assert data["by_session"] == [
        {
            "id": small.w.session.pk,
            "name": "十四届二次会议",
            "received": 8,
            "filed": 6,
            "filing_rate": 75.0,
        }
    ]
    top = get(as_user, small.w.staff, top_units=1).json()
    assert [u["id"] for u in top["units"]] == [lead.pk]


def test_every_proposal_filter_applies(as_user, small):
    staff = small.w.staff

    def counts(**params) -> tuple[int, int]:
        data = get(as_user, staff, **params).json()
        return data["received"], data["filed"]

    assert counts(category="social") == (2, 2)
    assert counts(category=["social", "political"]) == (3, 2)
    assert counts(source="collective") == (1, 1)
    assert counts(state="declined") == (1, 0)
    assert counts(unit=small.w.units[1].pk) == (3, 3)
    assert counts(overdue="true") == (1, 1)
    # The filters the dashboard's links use (same definitions as the figures).
    assert counts(received="true") == (8, 6)
    assert counts(filed="true") == (6, 6)
    assert counts(no_sector="true") == (1, 1)
    assert counts(reply="replied") == (4, 4)
    assert counts(reply="late") == (1, 1)
    assert counts(reply_class="A") == (2, 2)
    assert counts(satisfaction_result="basically_satisfied") == (1, 1)
    assert counts(unit=small.w.units[0].pk, unit_work="overdue") == (1, 1)
    assert counts(unit=small.w.units[1].pk, unit_work="delivered") == (3, 3)
    assert counts(session=small.w.session.pk) == (8, 6)
    assert counts(session=small.w.session.pk + 1000) == (0, 0)
    Proposal.objects.filter(pk=small.by_name["closed"].pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2024, 5, 6, 10))
    )
    assert counts(year=2024) == (1, 1)
    this_year = small.by_name["replied"].submitted_at.year
    assert counts(year=this_year) == (7, 5)


def test_city_staff_compare_counties_county_staff_see_their_own(as_user, small, county, elsewhere):
    flows.filed(county)
    flows.submitted(county)
    flows.filed(elsewhere)
    city = small.w.committee
    for user in (small.w.staff, small.w.supervisor, small.w.admin):
        data = get(as_user, user).json()
        assert (data["received"], data["filed"]) == (10, 7)
        assert [(c["id"], c["received"], c["filed"]) for c in data["committees"]] == [
            (city.pk, 8, 6),
            (county.committee.pk, 2, 1),
        ]
    one = get(as_user, small.w.staff, committee=county.committee.pk).json()
    assert (one["committee"], one["received"], one["filed"]) == (county.committee.pk, 2, 1)
    assert [c["id"] for c in one["committees"]] == [county.committee.pk]
    own = get(as_user, county.staff).json()
    assert (own["received"], own["filed"], own["filing_rate"]) == (2, 1, 50.0)
    assert [c["id"] for c in own["committees"]] == [county.committee.pk]
    # Another committee's statistics: 404, the same as a committee that does not exist.
    for user, committee in [
        (county.staff, city.pk),
        (small.w.staff, elsewhere.committee.pk),
        (small.w.staff, 987654321),
    ]:
        response = get(as_user, user, committee=committee)
        assert response.status_code == 404, response.data
        assert response.data["code"] == "not_found" and "统计" in response.data["detail"]


def test_everybody_else_counts_what_they_can_see(as_user, small, county):
    w = small.w
    flows.filed(county)
    other = drafting.create_draft(
        w.other_member.user,
        {"title": "其他委员的提案", "suggestions": "建议", "category": "social"},
        today=flows.DAY,
    )
    drafting.submit(w.other_member.user, other, today=flows.DAY)

    def numbers(user, **params) -> tuple:
        data = get(as_user, user, **params).json()
        return data["received"], data["filed"], [c["id"] for c in data["committees"]]

    city = w.committee.pk
    assert numbers(w.staff) == (10, 7, [city, county.committee.pk])
    assert numbers(w.member.user) == (7, 5, [city])  # not the collective's, not others'
    assert numbers(w.member.user, committee=city) == (7, 5, [city])
    assert numbers(w.collective) == (1, 1, [city])
    assert numbers(w.lead_handler) == (5, 5, [city])
    assert numbers(w.other_member.user) == (1, 0, [city])
    nothing = get(as_user, w.other_handler).json()
    assert (nothing["received"], nothing["filing_rate"], nothing["units"]) == (0, None, [])
    assert get(as_user, w.member.user, committee=county.committee.pk).status_code == 404


def test_unauthenticated_is_401(db):
    response = APIClient().get(URL, {"year": 2023})
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated" and response.data["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "2023.5"}, "year"),
        ({"year": "99999"}, "year"),
        ({"session": "x"}, "session"),
        ({"session": str(2**64)}, "session"),
        ({"committee": "abc"}, "committee"),
        ({"top_units": "0"}, "top_units"),
        ({"state": "bogus"}, "state"),
        ({"category": "nope"}, "category"),
        ({"unit": "u1"}, "unit"),
        ({"reply": "soon"}, "reply"),
        ({"reply_class": "ABCDE"}, "reply_class"),
        ({"satisfaction_result": "happy"}, "satisfaction_result"),
        ({"unit_work": "idle"}, "unit_work"),
    ],
)
def test_bad_parameters_are_400_with_field_errors(as_user, world, params, field):
    errors = errors_of(get(as_user, world.staff, **params))
    assert list(errors) == [field] and errors[field]


def count_queries(client: APIClient, **params) -> int:
    return page_queries(client, URL, params)


def test_query_count_is_bounded_and_does_not_grow(
    as_user, world, county, django_assert_max_num_queries
):
    build_small(world)
    flows.filed(county)
    staff = as_user(world.staff)
    member = as_user(world.member.user)
    with django_assert_max_num_queries(14):
        assert staff.get(URL, {"year": timezone.now().year}).status_code == 200
    with django_assert_max_num_queries(14):
        assert member.get(URL, {"category": "social", "overdue": "false"}).status_code == 200
    before = (count_queries(staff), count_queries(member), count_queries(staff, top_units=1))
    build_small(world)
    build_small(world)
    flows.closed(county)
    assert Proposal.objects.count() > 27
    after = (count_queries(staff), count_queries(member), count_queries(staff, top_units=1))
    assert after == before


def test_the_2023_report_figures(as_user, db):
    """The demo world's 2023 history, as the city's staff, a district's staff and a member."""
    from demo.world import build_world

    build_world(seed=2023, today=datetime.date(2024, 10, 15))
    city = as_user(User.objects.get(username="staff"))
    response = city.get(URL, {"year": 2023})
    assert response.status_code == 200, response.data
    data = response.json()
    assert (data["received"], data["filed"], data["filing_rate"]) == (743, 618, 83.18)
    assert split(data["by_source"], "filed") == {"member": (465,), "collective": (153,)}
    assert split(data["by_category"], "filed", "filed_share") == {
        "economic": (178, 28.8),
        "political": (51, 8.25),
        "cultural": (75, 12.14),
        "social": (269, 43.53),
        "ecological": (45, 7.28),
    }
    # "All 618 answered on time", by 78 handling units.
    replies = data["replies"]
    assert (replies["replied"], replies["on_time"], replies["on_time_rate"]) == (618, 618, 100.0)
    assert len(data["units"]) == 78 and data["overdue"] == 0
    assert sum(c["count"] for c in replies["classes"]) >= 618
    assert [c["name"] for c in data["committees"]] == ["太原市政协"]  # no county history
    assert sum(s["received"] for s in data["sectors"]) == 743

    # All years: the districts appear next to the city.
    everything = city.get(URL).json()
    names = [c["name"] for c in everything["committees"]]
    assert names[0] == "太原市政协" and len(names) == 3
    xiaodian = User.objects.get(username="xd_staff")
    district = as_user(xiaodian).get(URL).json()
    own = next(c for c in everything["committees"] if c["id"] == xiaodian.committee_id)
    assert [c["id"] for c in district["committees"]] == [xiaodian.committee_id]
    assert (district["received"], district["filed"]) == (own["received"], own["filed"])
    city_id = everything["committees"][0]["id"]
    assert as_user(xiaodian).get(URL, {"committee": city_id}).status_code == 404

    # A member: only what they can see.
    member = User.objects.get(username="member")
    mine = as_user(member).get(URL, {"year": 2023}).json()
    visible = Proposal.objects.visible_to(member).filter(submitted_at__year=2023)
    received = visible.exclude(state="draft")
    assert (mine["received"], mine["filed"]) == (
        received.count(),
        received.exclude(number="").count(),
    )
    assert 0 < mine["received"] < 743
