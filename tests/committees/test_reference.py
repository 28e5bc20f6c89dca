"""Reference data is read from the cache on list pages and is fresh after any change."""

from __future__ import annotations

from committees import reference
from committees.models import HandlingUnit, RuleSet
from tests.helpers import logged_in, page_queries


def test_a_second_page_reads_no_reference_data(client, world):
    logged_in(client, world.staff)
    first = page_queries(client, "/proposals/")
    again = page_queries(client, "/proposals/")
    assert again <= first - 5  # committees, sessions, sectors, organizations, units


def test_a_new_unit_shows_at_once(client, world):
    logged_in(client, world.staff)
    assert "新设单位" not in client.get("/proposals/").content.decode()
    HandlingUnit.objects.create(committee=world.committee, code="new", name="新设单位")
    assert "新设单位" in client.get("/proposals/").content.decode()


def test_rule_sets_follow_their_changes(world):
    assert reference.rule_sets({world.committee.pk}) == []
    rules = RuleSet.objects.create(committee=world.committee, review_stages=["initial"])
    assert [r.review_stages for r in reference.rule_sets({world.committee.pk})] == [["initial"]]
    rules.review_stages = ["initial", "joint"]
    rules.save()
    after = reference.rule_sets({world.committee.pk})
    assert [r.review_stages for r in after] == [["initial", "joint"]]
