"""The lists' SQL: no DISTINCT without a join that needs it, for every filter of every
list and every kind of viewer. django-filter's ``distinct=True`` once made each count a
``SELECT DISTINCT`` over every column, long texts included."""

from __future__ import annotations

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.filters import (
    AssignmentFilterSet,
    IdFilter,
    ProposalFilterSet,
    ReminderFilterSet,
    YearFilter,
)
from tests import flows
from tests.api.conftest import token_client
from tests.helpers import logged_in

VIEWERS = ("staff", "member", "lead_handler", "supervisor")


def sample(name: str, f: django_filters.Filter, world) -> str:
    """A value each filter accepts, so that every filter's SQL is built."""
    if isinstance(f, YearFilter):
        return "2025"
    if isinstance(f, IdFilter):
        return str(world.units[0].pk if "unit" in name else world.committee.pk)
    if isinstance(f, django_filters.BooleanFilter):
        return "true"
    if isinstance(f, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        return str(f.extra["choices"][0][0])
    if isinstance(f, django_filters.DateFilter):
        return "2025-03-10"
    return "养老" if name == "q" else "A"


def viewer(world, who: str):
    return world.member.user if who == "member" else getattr(world, who)


def distinct_queries(client, url: str, params: dict) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"].upper()]


@pytest.mark.parametrize(
    "url, filterset",
    [
        ("/api/v1/proposals/", ProposalFilterSet),
        ("/api/v1/assignments/", AssignmentFilterSet),
        ("/api/v1/reminders/", ReminderFilterSet),
    ],
)
def test_no_api_list_query_is_distinct(world, url, filterset):
    flows.replied(world)
    flows.submitted(world)
    for who in VIEWERS:
        client = token_client(viewer(world, who))
        for name, f in filterset.base_filters.items():
            value = sample(name, f, world)
            found = distinct_queries(client, url, {name: value})
            assert not found, (who, name, found)


def test_no_proposal_page_query_is_distinct(client, world):
    flows.replied(world)
    for who in VIEWERS:
        logged_in(client, viewer(world, who))
        for name, f in ProposalFilterSet.base_filters.items():
            value = sample(name, f, world)
            found = distinct_queries(client, "/proposals/", {name: value})
            assert not found, (who, name, found)
