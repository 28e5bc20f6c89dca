"""Declined proposals forwarded to a unit as opinions (转为意见建议) are counted apart:
in the statistics, the dashboard (linking to its list), the list filter and the annual
report."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from proposals import statistics
from proposals.choices import ReviewDecision
from proposals.models import Proposal
from proposals.reports.annual import annual_report
from proposals.services import review
from tests import flows


@pytest.fixture
def declined(world) -> dict[str, Proposal]:
    """Two declined proposals (one forwarded to a unit), one filed."""
    forwarded, kept = flows.confirmed(world), flows.confirmed(world)
    for p, unit in ((forwarded, world.units[1]), (kept, None)):
        review.review(
            world.staff,
            p,
            stage="initial",
            decision=ReviewDecision.DECLINE,
            opinion="不属于提案范围",
            forward_to=unit,
        )
    return {"forwarded": forwarded, "kept": kept, "filed": flows.filed(world)}


def test_statistics_count_the_forwarded_ones(declined):
    s = statistics.compute(Proposal.objects.all(), today=flows.DAY)
    assert (s.received, s.filed, s.forwarded) == (3, 1, 1)


def test_the_list_filter_and_the_api_agree(world, declined):
    client = APIClient()
    client.force_authenticate(world.staff)
    listed = client.get("/api/v1/proposals/?forwarded=true").data
    assert [row["id"] for row in listed["results"]] == [declined["forwarded"].pk]
    others = client.get("/api/v1/proposals/?forwarded=false").data["count"]
    assert others == 2
    stats = client.get(f"/api/v1/statistics/?session={world.session.pk}").data
    assert stats["forwarded"] == 1


def test_the_dashboard_links_the_figure_to_its_list(client, world, declined):
    client.force_login(world.staff)
    page = client.get(f"/statistics/?session={world.session.pk}").content.decode()
    assert "<dt>转为意见建议</dt>" in page
    assert re.search(r'href="/proposals/\?[^"]*forwarded=true[^"]*">1</a>', page)


def test_the_annual_report_says_how_many_were_forwarded(world, declined):
    report = annual_report(
        world.staff, session=world.session.pk, committee=world.committee.pk, today=flows.DAY
    )
    assert "立案率33.33%。不予立案的提案中，转为意见建议1件。" in report.text
