"""Chinese full-text search (proposals.search) on PostgreSQL: words found inside longer
text, the closer match first, matched words marked, nobody finding what they may not see,
an edit searchable at once."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from proposals import search
from proposals.models import Proposal
from proposals.services import drafting
from tests import flows
from tests.api.conftest import token_client
from tests.factories import World
from tests.helpers import logged_in

# Documents are rebuilt when a change commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

API = "/api/v1/proposals/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_words_are_segmented_and_a_query_asks_for_the_smallest():
    assert {"养老", "服务", "体系", "服务体系"} <= set(search.words("居家养老服务体系"))
    assert search.query_words("养老服务") == ["养老", "服务"]
    assert search.query_words("  ！？") == []
    assert "老旧小区" in search.words("推进老旧小区改造")  # search_words.txt keeps it whole


def test_a_two_character_word_inside_a_longer_text_is_found_closer_first(world):
    body = flows.submitted(
        world, title="关于完善城市公共服务的提案", background="建议加快居家养老服务体系建设。"
    )
    title = flows.submitted(world, title="关于加快发展养老服务产业的提案")
    flows.submitted(world, title="关于加快发展数字经济的提案")
    member = token_client(world.member.user)
    assert titles(member.get(API, {"q": "养老"})) == [title.title, body.title]  # title weighs more
    assert titles(member.get(API, {"q": "养老服务"})) == [title.title, body.title]
    assert titles(member.get(API, {"q": "养老 产业"})) == [title.title]  # every word must match
    assert titles(member.get(API, {"q": "！？"})) == []
    # An explicit order wins over relevance.
    assert titles(member.get(API, {"q": "养老", "ordering": "id"})) == [body.title, title.title]


def test_the_list_page_marks_the_matched_words(client, world):
    flows.submitted(
        world, title="关于加快发展养老服务产业的提案", suggestions="扩大养老护理员队伍。"
    )
    page = logged_in(client, world.member.user).get("/proposals/", {"q": "养老"}).content.decode()
    assert '<option value="relevance" selected>相关度</option>' in page
    headline = re.search(r'<small class="headline">(.*?)</small>', page, re.S)[1]
    assert "发展<mark>养老</mark>服务产业" in headline  # Chinese words shown without spaces
    assert "扩大<mark>养老</mark>护理员队伍" in headline


def test_nobody_finds_what_they_may_not_see(world):
    elsewhere = World.build(prefix="x")
    flows.submitted(elsewhere, title="关于养老服务的另一政协提案")
    flows.draft(world, title="关于养老服务的草稿")  # the member's own draft
    mine = flows.submitted(world, title="关于养老服务的提案")
    assert titles(token_client(world.other_member.user).get(API, {"q": "养老"})) == []
    assert titles(token_client(world.staff).get(API, {"q": "养老"})) == [mine.title]
    assert set(titles(token_client(world.member.user).get(API, {"q": "养老"}))) == {
        mine.title,
        "关于养老服务的草稿",
    }


def test_a_saved_edit_is_searchable_at_once_and_reindex_rebuilds_all(world):
    p = flows.draft(world)
    member = token_client(world.member.user)
    assert titles(member.get(API, {"q": "电梯"})) == []
    drafting.update_draft(world.member.user, p.pk, {"background": "加装电梯难在协调。"})
    assert titles(member.get(API, {"q": "电梯"})) == [p.title]
    # Rows written around the services (imports, the demo's history) are found once
    # the command has run.
    Proposal.objects.filter(pk=p.pk).update(search_vector=None, search_document="")
    assert titles(member.get(API, {"q": "电梯"})) == []
    call_command("reindex_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles(member.get(API, {"q": "电梯"})) == [p.title]
