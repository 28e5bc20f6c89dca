"""Suggested units and category (proposals.text.routing): learnt from past assignments,
with reasons and load; what staff chose is recorded."""

from __future__ import annotations

import pytest

from proposals import statistics
from proposals.models import Proposal, UnitSuggestion
from proposals.services import handling
from proposals.text import routing
from tests import flows
from tests.helpers import logged_in
from tests.proposals.text.corpus import (
    ELDERLY,
    ELDERLY_AGAIN,
    SCHOOLS,
    TRAFFIC,
    assigned_to,
    train,
    written,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(world):
    """Elderly care went to units[0], schools to units[1], traffic to units[2]."""
    civil, education, transport = world.units
    handled = {
        "elderly": assigned_to(world, ELDERLY, civil),
        "schools": assigned_to(world, SCHOOLS, education),
        "traffic": assigned_to(world, TRAFFIC, transport),
    }
    train()
    return handled


def test_the_unit_that_handled_the_like_proposals_comes_first_with_its_reasons(world, past):
    new = written(world, ELDERLY_AGAIN)
    routing.learn()
    found = routing.suggest(new)
    first = found.units[0]
    assert first.unit == world.units[0]
    assert first.because == [past["elderly"]]
    # Assigned on flows.DAY (2025) and unanswered at the fixed clock (2026-11-16): overdue.
    assert first.open_count == 1 and first.overdue_count == 1
    # Best first, the units of unrelated proposals far behind.
    assert found.units[0].score > 5 * max(c.score for c in found.units[1:])
    assert [c.score for c in found.units] == sorted((c.score for c in found.units), reverse=True)
    assert found.categories[0].code == "social" and found.categories[0].label == "社会建设"


def test_staff_taking_the_suggestion_or_not_is_recorded(world, past):
    taken = flows.filed(world, cosigners=False, **ELDERLY_AGAIN)
    handling.assign(world.staff, taken, lead_unit=world.units[0].pk, today=flows.DAY)
    record = UnitSuggestion.objects.get(proposal=taken)
    assert record.suggested[0] == world.units[0].pk and record.taken
    assert record.chosen == world.units[0]


def test_a_unit_outside_the_suggestions_is_recorded_as_not_taken(world, past):
    other = world.units[0].__class__.objects.create(committee=world.committee, name="市文旅局")
    p = flows.filed(world, cosigners=False, **ELDERLY_AGAIN)
    handling.assign(world.staff, p, lead_unit=other.pk, today=flows.DAY)
    record = UnitSuggestion.objects.get(proposal=p)
    assert not record.taken and other.pk not in record.suggested


def test_the_dashboard_counts_suggestions_taken_and_proposals_re_routed(client, world, past):
    taken = flows.filed(world, cosigners=False, **ELDERLY_AGAIN)
    handling.assign(world.staff, taken, lead_unit=world.units[0].pk, today=flows.DAY)
    lead = flows.lead_assignment(taken)
    request = handling.request_reassignment(world.lead_handler, lead, "不属于本单位职责", flows.DAY)
    handling.decide_reassignment(
        world.staff, request, approve=True, new_unit=world.units[2].pk, today=flows.DAY
    )
    routing_figures = statistics.compute(Proposal.objects.all()).routing
    # The three past proposals were assigned with nothing to suggest (nothing like them
    # before): only the fourth counts, and it took the first suggestion.
    assert (routing_figures.suggested, routing_figures.taken) == (1, 1)
    assert routing_figures.acceptance_rate == 100.0
    assert (routing_figures.assigned, routing_figures.rerouted) == (4, 1)
    assert routing_figures.rerouting_rate == 25.0
    page = logged_in(client, world.staff).get("/statistics/").content.decode()
    rates = page[page.index('id="routing-rates"') :]
    assert "25.0%" in rates and "调整 1 / 交办 4" in rates and "100.0%（1/1）" in rates
