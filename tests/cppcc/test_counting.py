"""Counts stop at the cap: exact below it, "1万+" (and ``count_exact`` false) past it,
on the pages and in the API alike."""

from __future__ import annotations

import pytest

from cppcc import counting
from cppcc.counting import CappedPaginator, capped_count, count_label
from proposals.models import Proposal
from tests import flows
from tests.api.conftest import token_client
from tests.helpers import logged_in


def test_count_is_exact_up_to_the_cap_and_stops_after_it(world):
    for _ in range(4):
        flows.submitted(world)
    visible = Proposal.objects.visible_to(world.staff)
    assert capped_count(visible, cap=10) == 4
    assert capped_count(visible, cap=4) == 4
    assert capped_count(visible, cap=3) == 4  # cap + 1: "more than three"
    assert capped_count(visible, cap=2) == 3


def test_labels_say_how_many_or_more_than_the_cap():
    assert count_label(9_999) == "9999"
    assert count_label(10_000) == "10000"
    assert count_label(10_001) == "1万+"
    assert count_label(4, cap=3) == "3+"


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(counting, "COUNT_CAP", 3)


def test_api_says_when_the_count_is_capped(world, small_cap):
    for _ in range(5):
        flows.submitted(world)
    body = token_client(world.staff).get("/api/v1/proposals/?page_size=2").json()
    assert body["count"] == 4 and body["count_exact"] is False
    assert len(body["results"]) == 2
    few = token_client(world.staff).get("/api/v1/proposals/?page_size=2&state=draft").json()
    assert few["count"] == 0 and few["count_exact"] is True


def test_list_page_says_more_than_the_cap(client, world, small_cap):
    for _ in range(5):
        flows.submitted(world)
    page = logged_in(client, world.staff).get("/proposals/").content.decode()
    assert "共 3+ 件" in page


def test_schema_documents_count_exact(client):
    schema = client.get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedProposalList"]
    assert "count_exact" in page["required"]
    assert page["properties"]["count_exact"]["type"] == "boolean"


def test_a_client_walks_every_row_with_the_cursor(world):
    made = {flows.submitted(world).pk for _ in range(5)}
    client = token_client(world.staff)
    seen, url = [], "/api/v1/proposals/?cursor=&page_size=2&ordering=title"
    while url:
        body = client.get(url).json()
        assert body["count"] is None and body["count_exact"] is False
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(made, reverse=True)  # newest first, each once, whatever the order


def test_a_bad_cursor_is_a_404_not_a_500(world):
    response = token_client(world.staff).get("/api/v1/proposals/?cursor=garbage")
    assert response.status_code == 404


def test_schema_documents_the_cursor(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/proposals/"]["get"]["parameters"]
    assert "cursor" in {p["name"] for p in parameters}


def test_pages_go_on_past_the_cap(world, small_cap):
    made = sorted((flows.submitted(world).pk for _ in range(7)), reverse=True)
    client = token_client(world.staff)
    seen, url = [], "/api/v1/proposals/?page_size=2"
    while url:
        body = client.get(url).json()
        assert body["count"] == 4 and body["count_exact"] is False
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == made  # every row, though the count stopped at "3+"
    assert client.get("/api/v1/proposals/?page_size=2&page=5").status_code == 404


def test_list_page_past_the_cap_numbers_pages_without_a_total(client, world, small_cap):
    for _ in range(25):
        flows.submitted(world)
    page = logged_in(client, world.staff).get("/proposals/?page=2").content.decode()
    assert "第 2 页" in page and "第 2 / " not in page
