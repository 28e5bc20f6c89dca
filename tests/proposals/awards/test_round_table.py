"""The award round's table (``proposals.domain.award_rounds``): the service refuses exactly
what the pages do not offer, with the table's reasons."""

from __future__ import annotations

import pytest

from cppcc.errors import InvalidTransition, NotPermitted
from proposals.choices import AwardStatus
from proposals.domain import award_rounds
from proposals.services import awards
from tests.helpers import logged_in
from tests.proposals.awards.conftest import points


def test_each_step_belongs_to_one_status_and_says_why_not():
    assert award_rounds.refusal("nominate", AwardStatus.NOMINATING) is None
    assert award_rounds.refusal("nominate", AwardStatus.SCORING) == "推荐阶段已结束，不能再推荐。"
    assert award_rounds.refusal("score", AwardStatus.NOMINATING) == "评审尚未开始，暂不能打分。"
    for step in award_rounds.STEPS:
        assert award_rounds.refusal(step, AwardStatus.PUBLISHED) == "评选结果已公布，不能再修改。"


def test_what_the_page_offers_follows_the_round(aw):
    staff, expert = aw.world.staff, aw.expert
    assert awards.allowed_steps(staff, aw.round) == {
        "edit",
        "nominate",
        "withdraw_nomination",
        "open_scoring",
    }
    assert awards.allowed_steps(expert, aw.round) == set()
    nominations = aw.scoring()
    assert awards.allowed_steps(staff, aw.round) == {"edit", "select", "publish"}
    assert awards.allowed_steps(expert, aw.round) == {"score"}
    assert awards.allowed_steps(aw.world.member.user, aw.round) == set()
    awards.score(expert, nominations[0], points(80))
    awards.select(staff, aw.round, [nominations[0].pk])
    awards.publish(staff, aw.round)
    assert awards.allowed_steps(staff, aw.round) == set()
    assert awards.allowed_steps(expert, aw.round) == set()


def test_the_service_refuses_what_is_not_offered(aw):
    nominations = aw.scoring()
    staff = aw.world.staff
    with pytest.raises(InvalidTransition, match="推荐阶段已结束"):
        awards.nominate(staff, aw.round, aw.proposals[0], "")
    with pytest.raises(InvalidTransition, match="评审已开始，不能撤回推荐"):
        awards.withdraw_nomination(staff, nominations[0])
    with pytest.raises(NotPermitted):  # the panel's step, not staff's
        awards.score(staff, nominations[0], points(80))


def test_the_round_page_shows_only_the_allowed_forms(client, aw):
    aw.scoring()
    page = logged_in(client, aw.world.staff).get(f"/awards/{aw.round.pk}/").content.decode()
    assert 'id="select-form"' in page and "确认公布" in page
    assert 'href="/statistics/"' in page  # the round's steps do not hide the navigation
    assert "结束推荐，开始评审" not in page and f"/awards/{aw.round.pk}/nominate/" not in page
