"""Who may do what in an award round: staff of the round's committee run it, only its
panel scores, and another committee's staff neither change nor see anything."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cppcc.errors import DomainError, NotPermitted
from proposals.awards.queries import rounds_visible_to
from proposals.models import AwardRound, AwardScore, Nomination
from proposals.services import awards
from tests.factories import World
from tests.proposals.awards.conftest import build_awards, filed_proposals, points

STAFF_ONLY = "只有本政协提案委员会工作人员可以管理优秀提案评选。"


@pytest.fixture
def other(db) -> World:
    return World.build(prefix="x")


def outsiders(w: World) -> list:
    return [w.member.user, w.supervisor, w.lead_handler, w.collective]


def test_only_staff_and_admins_create_rounds(world):
    for user in outsiders(world):
        with pytest.raises(NotPermitted) as info:
            awards.create_round(user, name="评选", year=2025, quota=5)
        assert info.value.message == STAFF_ONLY
    assert not AwardRound.objects.exists()
    assert awards.create_round(world.admin, name="评选", year=2025, quota=5).committee_id == (
        world.committee.pk
    )


def test_non_staff_cannot_run_a_round_even_from_its_panel(aw):
    nominations = aw.nominate_all()
    calls = [
        lambda u: awards.update_round(u, aw.round, name="改名"),
        lambda u: awards.nominate(u, aw.round, filed_proposals(aw.world, 1)[0], ""),
        lambda u: awards.withdraw_nomination(u, nominations[0]),
        lambda u: awards.open_scoring(u, aw.round),
        lambda u: awards.select(u, aw.round, [nominations[0].pk]),
        lambda u: awards.publish(u, aw.round),
    ]
    for user in [*outsiders(aw.world), aw.expert]:
        for call in calls:
            with pytest.raises(NotPermitted):
                call(user)
    aw.round.refresh_from_db()
    assert (aw.round.name, aw.round.status) == ("2025年度优秀提案评选", "nominating")
    assert Nomination.objects.filter(round=aw.round).count() == 3


def test_only_the_panel_scores(aw):
    n = aw.scoring()[0]
    for user in [aw.world.staff, aw.world.supervisor, aw.world.co_handler, aw.world.member.user]:
        with pytest.raises(NotPermitted) as info:
            awards.score(user, n, points(50))
        assert info.value.message == "只有本次评选的评审组成员可以打分。"
    aw.expert.is_active = False
    aw.expert.save()
    with pytest.raises(NotPermitted):
        awards.score(aw.expert, n, points(50))
    assert not AwardScore.objects.exists()
    awards.score(aw.world.lead_handler, n, points(50))  # a unit's staff member on the panel
    assert AwardScore.objects.get().reviewer == aw.world.lead_handler


def test_another_committees_staff_can_neither_change_nor_see_the_round(aw, other):
    nominations = aw.nominate_all()
    for call in [
        lambda: awards.update_round(other.staff, aw.round, name="改名"),
        lambda: awards.nominate(other.staff, aw.round, filed_proposals(aw.world, 1)[0], ""),
        lambda: awards.withdraw_nomination(other.staff, nominations[0]),
        lambda: awards.open_scoring(other.staff, aw.round),
        lambda: awards.select(other.staff, aw.round, []),
        lambda: awards.publish(other.admin, aw.round),
    ]:
        with pytest.raises(NotPermitted):
            call()
    assert not rounds_visible_to(other.staff).exists()
    assert not rounds_visible_to(other.member.user).exists()


def test_a_round_takes_only_its_own_committees_proposals(aw, other):
    theirs = filed_proposals(other, 1)[0]
    with pytest.raises(DomainError) as info:
        awards.nominate(aw.world.staff, aw.round, theirs, "")
    assert (info.value.field, info.value.message) == ("proposal", "只能推荐本政协的提案。")
    assert theirs not in awards.eligible_proposals(aw.round)
    assert set(awards.eligible_proposals(aw.round)) == set(aw.proposals)


def test_reviewers_come_from_the_rounds_committee(aw, other):
    with pytest.raises(DomainError) as info:
        awards.update_round(aw.world.staff, aw.round, reviewers=[other.staff])
    assert info.value.field == "reviewers"


def test_who_sees_which_rounds(aw, other):
    w = aw.world
    theirs = build_awards(other, proposals=0).round
    assert set(rounds_visible_to(w.staff)) == {aw.round}
    assert set(rounds_visible_to(w.admin)) == {aw.round}
    assert set(rounds_visible_to(other.staff)) == {theirs}
    assert set(rounds_visible_to(aw.expert)) == {aw.round}  # sits on the panel
    assert set(rounds_visible_to(w.lead_handler)) == {aw.round}
    for user in (w.member.user, w.supervisor, w.co_handler):
        assert not rounds_visible_to(user).exists()  # not published yet
    a, _b, _c = aw.scoring()
    awards.score(aw.expert, a, points(90))
    awards.select(w.staff, aw.round, [a.pk])
    awards.publish(w.staff, aw.round)
    for user in (w.member.user, w.supervisor, w.co_handler, w.collective):
        assert set(rounds_visible_to(user)) == {aw.round}
    assert set(rounds_visible_to(other.member.user)) == set()
    assert set(rounds_visible_to(other.staff)) == {theirs}


def test_every_change_holds_the_rounds_row_lock(aw):
    n = aw.scoring()[0]
    with CaptureQueriesContext(connection) as ctx:
        awards.score(aw.expert, n, points(50))
    locks = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks and '"proposals_awardround"' in locks[0]
