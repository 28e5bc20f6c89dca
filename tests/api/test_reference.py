"""Reference lists over HTTP: each limited to the caller's committee, paginated and
retrievable by id only inside it."""

from __future__ import annotations

import pytest

from committees.models import HandlingUnit
from tests.factories import MemberFactory, SessionFactory, UnitFactory

LISTS = ["units", "organizations", "sectors", "sessions", "members"]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


@pytest.mark.parametrize("name", LISTS)
def test_county_user_never_sees_the_citys_rows(world, county, as_user, name):
    client = as_user(county.staff)
    seen = ids(client.get(f"/api/v1/{name}/", {"page_size": 200}))
    assert seen, name
    city = {
        "units": [u.pk for u in world.units],
        "organizations": [world.organization.pk],
        "sectors": [world.sector.pk],
        "sessions": [world.session.pk],
        "members": [world.member.pk, world.cosigner.pk],
    }[name]
    assert seen.isdisjoint(city)
    assert all(
        row["committee"] == county.committee.pk
        for row in client.get(f"/api/v1/{name}/").data["results"]
    )
    response = client.get(f"/api/v1/{name}/{city[0]}/")
    assert response.status_code == 404 and response.data["code"] == "not_found"


def test_units_list_with_filters_and_retrieve(world, as_user):
    county_gov = UnitFactory(
        committee=world.committee, name="小店区人民政府", kind=HandlingUnit.Kind.COUNTY_GOVERNMENT
    )
    client = as_user(world.staff)
    rows = client.get("/api/v1/units/").data
    assert rows["count"] == 4
    assert set(rows["results"][0]) == {"id", "committee", "code", "name", "kind", "is_active"}
    assert ids(client.get("/api/v1/units/", {"kind": "county_gov"})) == {county_gov.pk}
    assert ids(client.get("/api/v1/units/", {"q": "小店"})) == {county_gov.pk}
    assert ids(client.get("/api/v1/units/", {"q": world.units[0].code})) == {world.units[0].pk}
    one = client.get(f"/api/v1/units/{county_gov.pk}/")
    assert one.status_code == 200 and one.data["name"] == "小店区人民政府"


def test_pages_are_stable_and_complete(world, as_user):
    for _ in range(7):
        UnitFactory(committee=world.committee)
    client = as_user(world.staff)
    first = client.get("/api/v1/units/", {"page_size": 4}).data
    assert first["count"] == 10 and first["next"]
    seen = [row["id"] for row in first["results"]]
    for page in (2, 3):
        seen += [
            row["id"]
            for row in client.get("/api/v1/units/", {"page_size": 4, "page": page}).data["results"]
        ]
    assert len(seen) == len(set(seen)) == 10


def test_members_search_and_active_only_by_default(world, as_user):
    retired = MemberFactory(committee=world.committee, sector=world.sector, is_active=False)
    locked = MemberFactory(committee=world.committee, sector=world.sector)
    locked.user.is_active = False
    locked.user.save()
    client = as_user(world.member.user)
    active = ids(client.get("/api/v1/members/", {"page_size": 200}))
    assert active == {world.member.pk, world.cosigner.pk, world.other_member.pk}
    assert retired.pk in ids(client.get("/api/v1/members/", {"is_active": "false"}))
    assert ids(client.get("/api/v1/members/", {"q": world.cosigner.name})) == {world.cosigner.pk}
    assert ids(client.get("/api/v1/members/", {"q": world.cosigner.number})) == {world.cosigner.pk}
    row = client.get(f"/api/v1/members/{world.cosigner.pk}/").data
    assert set(row) == {"id", "committee", "name", "number", "sector", "party", "is_active"}
    assert row["sector"] == {"id": world.sector.pk, "name": "经济界"}


def test_pickers_find_members_and_units_by_pinyin_initials(world, as_user):
    """What the co-signer and unit pickers ask (static/js/picker.js)."""
    zhang = MemberFactory(committee=world.committee, sector=world.sector, name="张志强")
    zhao = MemberFactory(committee=world.committee, sector=world.sector, name="赵子龙")
    fgw = UnitFactory(committee=world.committee, name="市发展和改革委员会")
    client = as_user(world.member.user)
    assert ids(client.get("/api/v1/members/", {"q": "zzq"})) == {zhang.pk}
    assert ids(client.get("/api/v1/members/", {"q": "ZZ"})) == {zhang.pk, zhao.pk}
    assert ids(client.get("/api/v1/units/", {"q": "sfz"})) == {fgw.pk}
    assert ids(client.get("/api/v1/units/", {"q": "发展"})) == {fgw.pk}
    assert ids(client.get("/api/v1/members/", {"q": "z1"})) == set()  # initials are letters


def test_sessions_newest_first_with_their_names(world, as_user):
    later = SessionFactory(committee=world.committee, term=14, meeting=3)
    later.plenary_start = later.plenary_start.replace(year=2026)
    later.plenary_end = later.plenary_end.replace(year=2026)
    later.save()
    rows = as_user(world.member.user).get("/api/v1/sessions/").data["results"]
    assert [r["id"] for r in rows] == [later.pk, world.session.pk]
    assert rows[1]["name"] == "十四届二次会议" and rows[1]["term"] == 14
    assert rows[1]["plenary_start"] == "2025-01-10"


def test_committees_city_staff_see_their_counties_others_only_their_own(
    world, county, elsewhere, as_user
):
    assert ids(as_user(world.staff).get("/api/v1/committees/")) == {
        world.committee.pk,
        county.committee.pk,
    }
    assert ids(as_user(world.member.user).get("/api/v1/committees/")) == {world.committee.pk}
    assert ids(as_user(county.staff).get("/api/v1/committees/")) == {county.committee.pk}
    parent = as_user(county.staff).get(f"/api/v1/committees/{world.committee.pk}/")
    assert parent.status_code == 404
    foreign = as_user(world.admin).get(f"/api/v1/committees/{elsewhere.committee.pk}/")
    assert foreign.status_code == 404
