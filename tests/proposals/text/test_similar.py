"""Similar proposals (proposals.text.similar): the paraphrase first, the boilerplate alone
never enough, nothing shown that the caller may not be shown, kept current on save."""

from __future__ import annotations

import datetime

import pytest

from proposals.services import drafting
from proposals.text import similar
from tests import flows
from tests.factories import SessionFactory, World
from tests.proposals.text.corpus import (
    BOILERPLATE_ONLY,
    ELDERLY,
    ELDERLY_AGAIN,
    SCHOOLS,
    TRAFFIC,
    train,
    written,
)

pytestmark = pytest.mark.django_db


def titles(found) -> list[str]:
    return [s.proposal.title for s in found]


def test_the_paraphrase_comes_first_and_the_boilerplate_alone_is_not_enough(world):
    original = written(world, ELDERLY)
    for content in (SCHOOLS, TRAFFIC, BOILERPLATE_ONLY):
        written(world, content)
    train()
    found = similar.for_text(world.staff, ELDERLY_AGAIN["title"], ELDERLY_AGAIN["background"])
    assert titles(found) == [original.title]
    assert found[0].score >= 0.3 and found[0].openable
    # A proposal never finds itself; its twin comes first.
    twin = written(world, ELDERLY_AGAIN)
    train()
    assert titles(similar.for_proposal(world.staff, original)) == [twin.title]


def test_a_member_is_shown_filed_proposals_with_their_reply_but_not_others_in_review(world):
    answered = flows.replied(world, classification="A", cosigners=False, **ELDERLY)
    waiting = written(world, {**ELDERLY_AGAIN, "title": "关于社区养老照护的提案"})
    train()
    writer = world.other_member.user  # neither proposer nor co-signer of either
    found = similar.for_text(writer, ELDERLY_AGAIN["title"], ELDERLY_AGAIN["suggestions"])
    assert titles(found) == [answered.title]
    assert found[0].reply_class == "A" and found[0].reply_opening == "答复内容"
    assert not found[0].openable  # a summary: the page stays the proposer's and staff's
    assert waiting.title in titles(similar.for_text(world.staff, ELDERLY_AGAIN["title"]))


def test_other_committees_drafts_and_old_sessions_are_never_shown(world):
    other = World.build(prefix="晋中")
    written(other, ELDERLY)
    draft = flows.draft(world, cosigners=False, **ELDERLY)
    old_session = SessionFactory(
        committee=world.committee,
        term=13,
        meeting=1,
        plenary_start=datetime.date(2019, 1, 10),
        plenary_end=datetime.date(2019, 1, 14),
    )
    for term_meeting in ((13, 2), (13, 3)):  # three sessions since 2019
        SessionFactory(
            committee=world.committee,
            term=term_meeting[0],
            meeting=term_meeting[1],
            plenary_start=datetime.date(2019 + term_meeting[1], 1, 10),
            plenary_end=datetime.date(2019 + term_meeting[1], 1, 14),
        )
    old = written(world, ELDERLY)
    old.session = old_session
    old.save(update_fields=["session"])
    train()
    assert similar.for_text(world.staff, ELDERLY["title"], ELDERLY["background"]) == []
    assert similar.for_text(world.member.user, ELDERLY["title"], exclude=[draft.pk]) == []
    assert [s.proposal for s in similar.for_text(other.staff, ELDERLY["title"])] != []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_saved_proposal_is_found_at_once_without_retraining(world):
    p = flows.draft(world, cosigners=False, **TRAFFIC)
    drafting.submit(world.member.user, p, today=flows.DAY)
    found = similar.for_text(world.staff, "缓解早晚高峰交通拥堵", "优化公交线网，建设智慧停车")
    assert titles(found) == [TRAFFIC["title"]]
    assert similar.for_text(world.staff, ELDERLY["title"], ELDERLY["background"]) == []
