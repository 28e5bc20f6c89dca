"""The rules of an award round, enforced by ``proposals.services.awards``: what each
step accepts and refuses (with which message, on which field), the ranking, the
quota, publication freezing everything, the audit trail and the notifications."""

from __future__ import annotations

import pytest

from committees.models import CommitteeEvent
from cppcc.errors import DomainError, InvalidTransition
from proposals.models import AwardRound, AwardScore, Nomination, Notification, ProposalEvent
from proposals.services import awards
from tests import flows
from tests.factories import SessionFactory, UserFactory
from tests.proposals.awards.conftest import RUBRIC, build_awards, points

PUBLISHED = "评选结果已公布，不能再修改。"


def refused(exc_type, call, *args, **kw) -> DomainError:
    with pytest.raises(exc_type) as info:
        call(*args, **kw)
    return info.value


def round_log(award_round) -> list[str]:
    return list(
        CommitteeEvent.objects.filter(data__round=award_round.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


# ---- creating and changing a round -----------------------------------------------------------


def test_create_round_keeps_the_settings_and_logs_them(world):
    expert = UserFactory(committee=world.committee)
    r = awards.create_round(
        world.staff, name=" 2025年度优秀提案 ", year=2025, quota=50, reviewers=[expert.pk]
    )
    assert (r.committee, r.name, r.status, r.created_by) == (
        world.committee,
        "2025年度优秀提案",
        "nominating",
        world.staff,
    )
    assert [c["key"] for c in r.rubric] == ["topic", "research", "feasibility", "result"]
    assert list(r.reviewers.all()) == [expert]
    event = CommitteeEvent.objects.get(data__round=r.pk)
    assert event.action == "award_round_created" and event.actor == world.staff
    assert event.data["reviewers"] == [expert.pk] and event.data["quota"] == 50


A, A2, B = (
    {"key": "a", "label": "甲", "max": 10},
    {"key": "a", "label": "乙", "max": 10},
    {"key": "b", "label": "甲", "max": 10},
)
BAD_RUBRICS = [
    ([], "请至少设置一项评分标准。"),
    ("topic|30", "请至少设置一项评分标准。"),
    ([A, A2], "代码“a”重复"),
    ([A, B], "“甲”重复"),
    ([{"key": "a", "label": " ", "max": 10}], "须填写名称"),
    ([{"key": "a", "label": "甲", "max": 0}], "满分须为 1 至 1000 的整数"),
    ([{"key": "a", "label": "甲", "max": "10"}], "满分须为 1 至 1000 的整数"),
    ([{"key": "a", "label": "甲", "max": 2.5}], "满分须为 1 至 1000 的整数"),
    ([{"key": "a", "label": "甲", "max": True}], "满分须为 1 至 1000 的整数"),
    ([{"key": "1a", "label": "甲", "max": 10}], "代码须为字母开头"),
    ([{"label": "甲", "max": 10}], "代码须为字母开头"),
    (["甲|10"], "格式不正确"),
]


@pytest.mark.parametrize(("rubric", "message"), BAD_RUBRICS)
def test_bad_rubrics_are_refused_on_the_rubric_field(world, rubric, message):
    exc = refused(
        DomainError,
        awards.create_round,
        world.staff,
        name="评选",
        year=2025,
        rubric=rubric,
        quota=5,
    )
    assert exc.field == "rubric" and message in exc.message
    assert not AwardRound.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写评选名称。"),
        ({"quota": 0}, "quota", "评选名额须为 1 至 1000 的整数。"),
        ({"year": 1999}, "year", "请填写有效的年度。"),
    ],
)
def test_bad_round_settings_name_their_field(world, changes, field, message):
    data = {"name": "评选", "year": 2025, "quota": 5, **changes}
    exc = refused(DomainError, awards.create_round, world.staff, **data)
    assert (exc.field, exc.message) == (field, message)


def test_session_must_be_the_committees_and_in_the_year(world):
    other = build_other_session()
    exc = refused(
        DomainError,
        awards.create_round,
        world.staff,
        name="评选",
        year=2025,
        session=other,
        quota=5,
    )
    assert (exc.field, exc.message) == ("session", "只能选择本政协的会次。")
    exc = refused(
        DomainError,
        awards.create_round,
        world.staff,
        name="评选",
        year=2024,
        session=world.session,
        quota=5,
    )
    assert (exc.field, exc.message) == ("session", "所选会次不在该年度。")


def build_other_session():
    return SessionFactory()  # a session of another committee


def test_reviewers_must_be_active_accounts_of_the_committee(world):
    outsider = UserFactory()  # another committee
    retired = UserFactory(committee=world.committee, is_active=False)
    for reviewers in ([outsider], [retired]):
        exc = refused(
            DomainError,
            awards.create_round,
            world.staff,
            name="评选",
            year=2025,
            quota=5,
            reviewers=reviewers,
        )
        assert (exc.field, exc.message) == ("reviewers", "评审组成员须为本政协的在用账号。")


def test_rubric_change_is_logged_and_only_allowed_while_nominating(aw):
    new = [*RUBRIC, {"key": "effect", "label": "办理成效", "max": 20}]
    awards.update_round(aw.world.staff, aw.round, rubric=new)
    aw.round.refresh_from_db()
    assert aw.round.rubric == new
    assert round_log(aw.round)[-1] == "award_rubric_changed"
    aw.scoring()
    exc = refused(InvalidTransition, awards.update_round, aw.world.staff, aw.round, rubric=RUBRIC)
    assert exc.message == "评审开始后不能修改评分标准。"
    aw.round.refresh_from_db()
    assert aw.round.rubric == new


def test_year_cannot_change_once_proposals_are_nominated(aw):
    awards.update_round(aw.world.staff, aw.round, year=2024)  # nothing nominated yet
    awards.update_round(aw.world.staff, aw.round, year=2025)
    aw.nominate_all()
    exc = refused(DomainError, awards.update_round, aw.world.staff, aw.round, year=2024)
    assert (exc.field, exc.message) == ("year", "已有推荐提案，不能再修改年度和会次。")


def test_unchanged_update_writes_nothing(aw):
    before = round_log(aw.round)
    awards.update_round(aw.world.staff, aw.round, name=aw.round.name, rubric=RUBRIC, quota=2)
    assert round_log(aw.round) == before


def test_a_reviewer_who_scored_stays_on_the_panel_but_the_panel_may_grow(aw):
    nominations = aw.scoring()
    awards.score(aw.expert, nominations[0], points(80))
    newcomer = aw.world.supervisor
    awards.update_round(
        aw.world.staff, aw.round, reviewers=[aw.expert, aw.world.lead_handler, newcomer]
    )
    assert set(aw.round.reviewers.all()) == {aw.expert, aw.world.lead_handler, newcomer}
    assert round_log(aw.round)[-1] == "award_round_changed"
    awards.update_round(aw.world.staff, aw.round, reviewers=[aw.expert])  # they had not scored
    exc = refused(DomainError, awards.update_round, aw.world.staff, aw.round, reviewers=[])
    assert (exc.field, exc.message) == ("reviewers", "已打分的评审组成员不能移出评审组。")


# ---- nominating ------------------------------------------------------------------------------


def test_nominate_records_the_nomination_and_an_event_on_the_proposal(aw):
    p = aw.proposals[0]
    n = awards.nominate(aw.world.staff, aw.round, p, "  调研扎实  ")
    assert (n.round, n.proposal, n.nominated_by, n.reason) == (
        aw.round,
        p,
        aw.world.staff,
        "调研扎实",
    )
    event = ProposalEvent.objects.filter(proposal=p).latest("id")
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "award_nominate",
        aw.world.staff,
        "filed",
        "filed",
    )
    assert aw.round.name in event.message and event.data["round"] == aw.round.pk


def test_only_filed_numbered_proposals_of_the_year_can_be_nominated(aw):
    staff = aw.world.staff
    submitted = flows.submitted(aw.world, cosigners=False)
    exc = refused(DomainError, awards.nominate, staff, aw.round, submitted, "")
    assert (exc.field, exc.message) == ("proposal", "只能推荐已立案（有案号）的提案。")
    last_year = awards.create_round(staff, name="2024年度", year=2024, quota=5)
    exc = refused(DomainError, awards.nominate, staff, last_year, aw.proposals[0], "")
    assert (exc.field, exc.message) == ("proposal", "该提案不属于本次评选的年度或会次。")
    awards.nominate(staff, aw.round, aw.proposals[0], "")
    exc = refused(DomainError, awards.nominate, staff, aw.round, aw.proposals[0], "")
    assert (exc.field, exc.message) == ("proposal", "该提案已被推荐。")
    exc = refused(DomainError, awards.nominate, staff, aw.round, 0, "")
    assert exc.field == "proposal"
    assert Nomination.objects.filter(round=aw.round).count() == 1


def test_a_round_for_a_session_takes_only_that_sessions_proposals(aw):
    staff = aw.world.staff
    later = SessionFactory(
        committee=aw.world.committee,
        term=14,
        meeting=3,
        plenary_start=aw.world.session.plenary_start,
    )
    session_round = awards.create_round(staff, name="三次会议", year=2025, session=later, quota=5)
    exc = refused(DomainError, awards.nominate, staff, session_round, aw.proposals[0], "")
    assert exc.message == "该提案不属于本次评选的年度或会次。"
    own = awards.create_round(staff, name="二次会议", year=2025, session=aw.world.session, quota=5)
    assert awards.nominate(staff, own, aw.proposals[0], "").round == own


def test_withdrawing_a_nomination_is_logged_and_only_while_nominating(aw):
    first, second, _third = aw.nominate_all()
    awards.withdraw_nomination(aw.world.staff, first, "重复推荐")
    assert not Nomination.objects.filter(pk=first.pk).exists()
    event = ProposalEvent.objects.filter(proposal=first.proposal).latest("id")
    assert event.action == "award_withdraw" and "重复推荐" in event.message
    exc = refused(DomainError, awards.withdraw_nomination, aw.world.staff, first)
    assert exc.field == "nomination"
    awards.open_scoring(aw.world.staff, aw.round)
    exc = refused(InvalidTransition, awards.withdraw_nomination, aw.world.staff, second)
    assert exc.message == "评审已开始，不能撤回推荐。"
    assert Nomination.objects.filter(pk=second.pk).exists()


def test_nominating_ends_when_scoring_opens(aw):
    aw.nominate_all()
    extra = flows.filed(aw.world, cosigners=False)
    awards.open_scoring(aw.world.staff, aw.round)
    exc = refused(InvalidTransition, awards.nominate, aw.world.staff, aw.round, extra, "")
    assert exc.message == "推荐阶段已结束，不能再推荐。"


# ---- opening scoring, scoring ----------------------------------------------------------------


def test_open_scoring_needs_nominations_and_reviewers(aw):
    exc = refused(DomainError, awards.open_scoring, aw.world.staff, aw.round)
    assert (exc.field, exc.message) == ("nominations", "请先推荐至少一件提案。")
    aw.nominate_all()
    awards.update_round(aw.world.staff, aw.round, reviewers=[])
    exc = refused(DomainError, awards.open_scoring, aw.world.staff, aw.round)
    assert (exc.field, exc.message) == ("reviewers", "请先确定评审组成员。")
    aw.round.refresh_from_db()
    assert aw.round.status == "nominating"


def test_open_scoring_tells_the_reviewers_and_is_logged(aw):
    aw.nominate_all()
    awards.open_scoring(aw.world.staff, aw.round)
    assert aw.round.status == "scoring"
    told = Notification.objects.filter(verb="award_scoring")
    assert {n.user for n in told} == set(aw.reviewers)
    assert all("3 件推荐提案" in n.message for n in told)
    assert "award_scoring_opened" in round_log(aw.round)
    exc = refused(InvalidTransition, awards.open_scoring, aw.world.staff, aw.round)
    assert exc.message == "评审已经开始。"


def test_scoring_waits_for_scoring_to_open(aw):
    n = aw.nominate_all()[0]
    exc = refused(InvalidTransition, awards.score, aw.expert, n, points(50))
    assert exc.message == "评审尚未开始，暂不能打分。"


BAD_POINTS = [
    ({"topic": 40}, "points.feasibility", "请为“建议可行性”打分。"),
    ({"topic": 41, "feasibility": 0}, "points.topic", "“选题价值”的得分须在 0 至 40 之间。"),
    ({"topic": -1, "feasibility": 0}, "points.topic", "“选题价值”的得分须在 0 至 40 之间。"),
    ({"topic": 10.5, "feasibility": 0}, "points.topic", "“选题价值”的得分须为整数。"),
    ({"topic": "10", "feasibility": 0}, "points.topic", "“选题价值”的得分须为整数。"),
    ({"topic": True, "feasibility": 0}, "points.topic", "“选题价值”的得分须为整数。"),
    ({"topic": 1, "feasibility": 1, "x": 1}, "points.x", "评分标准中没有“x”一项。"),
    ([10, 20], "points", "请按评分标准逐项打分。"),
]


@pytest.mark.parametrize(("marks", "field", "message"), BAD_POINTS)
def test_bad_points_are_refused_naming_the_criterion(aw, marks, field, message):
    n = aw.scoring()[0]
    exc = refused(DomainError, awards.score, aw.expert, n, marks)
    assert (exc.field, exc.message) == (field, message)
    assert not AwardScore.objects.exists()


def test_rescoring_replaces_the_reviewers_own_score(aw):
    n = aw.scoring()[0]
    awards.score(aw.expert, n, {"topic": 30, "feasibility": 50}, "很好")
    awards.score(aw.expert, n, {"topic": 20, "feasibility": 40}, "")
    awards.score(aw.world.lead_handler, n, points(90))
    mine = AwardScore.objects.get(nomination=n, reviewer=aw.expert)
    assert (mine.points, mine.total, mine.comment) == ({"topic": 20, "feasibility": 40}, 60, "")
    assert AwardScore.objects.filter(nomination=n).count() == 2
    assert round_log(aw.round)[-3:] == ["award_scored", "award_rescored", "award_scored"]
    # Marks stay off the proposal's timeline, which its proposer reads.
    assert not ProposalEvent.objects.filter(proposal=n.proposal, action__contains="scor").exists()


# ---- ranking ---------------------------------------------------------------------------------


def test_ranking_averages_the_totals_and_ties_share_a_rank(aw, django_assert_num_queries):
    a, b, c = aw.scoring()
    expert, handler = aw.expert, aw.world.lead_handler
    awards.score(expert, c, points(70))
    awards.score(handler, c, points(60))  # 65
    awards.score(expert, a, points(80))
    awards.score(handler, a, points(90))  # 85
    awards.score(expert, b, points(85))  # 85, one score
    with django_assert_num_queries(1):
        ranked = awards.ranking(aw.round)
    assert [(x.nomination, x.rank, x.average, x.score_count) for x in ranked] == [
        (a, 1, 85.0, 2),
        (b, 1, 85.0, 1),
        (c, 3, 65.0, 2),
    ]


def test_unscored_nominations_come_last_without_a_rank(aw):
    a, b, c = aw.scoring()
    awards.score(aw.expert, b, points(10))
    awards.score(aw.world.lead_handler, b, points(15))
    ranked = awards.ranking(aw.round)
    assert [(x.nomination, x.rank, x.average) for x in ranked] == [
        (b, 1, 12.5),
        (a, None, None),
        (c, None, None),
    ]


# ---- choosing and publishing -----------------------------------------------------------------


def scored(aw) -> list[Nomination]:
    a, b, c = aw.scoring()
    for n, total in ((a, 90), (b, 80), (c, 70)):
        awards.score(aw.expert, n, points(total))
    return [a, b, c]


def test_select_keeps_within_the_quota_and_to_scored_nominations(aw):
    a, b, c = aw.scoring()
    awards.score(aw.expert, a, points(90))
    awards.score(aw.expert, b, points(80))
    exc = refused(DomainError, awards.select, aw.world.staff, aw.round, [a.pk, c.pk])
    assert exc.field == "nominations" and c.proposal.number in exc.message
    assert "尚未评审打分" in exc.message
    awards.score(aw.expert, c, points(70))
    exc = refused(DomainError, awards.select, aw.world.staff, aw.round, [a.pk, b.pk, c.pk])
    assert (exc.field, exc.message) == ("nominations", "最多评选 2 件优秀提案，已选 3 件。")
    exc = refused(DomainError, awards.select, aw.world.staff, aw.round, [a.pk, 10**9])
    assert (exc.field, exc.message) == ("nominations", "所选提案不在本次评选的推荐名单中。")
    assert not Nomination.objects.filter(selected=True).exists()
    assert awards.select(aw.world.staff, aw.round, [b.pk, a.pk]) == sorted([a.pk, b.pk])
    assert set(Nomination.objects.filter(selected=True)) == {a, b}


def test_select_replaces_the_choice_and_logs_each_change(aw):
    a, b, c = scored(aw)
    awards.select(aw.world.staff, aw.round, [a.pk, b.pk])
    awards.select(aw.world.staff, aw.round, [a.pk, c.pk])
    assert set(Nomination.objects.filter(selected=True)) == {a, c}

    def actions(n: Nomination) -> list[str]:
        return list(
            ProposalEvent.objects.filter(
                proposal=n.proposal, action__in=["award_select", "award_unselect"]
            )
            .order_by("id")
            .values_list("action", flat=True)
        )

    assert actions(a) == ["award_select"]  # kept: no second event
    assert actions(b) == ["award_select", "award_unselect"]
    assert actions(c) == ["award_select"]


def test_select_waits_for_scoring(aw):
    a = aw.nominate_all()[0]
    exc = refused(InvalidTransition, awards.select, aw.world.staff, aw.round, [a.pk])
    assert exc.message == "评审开始后才能选定优秀提案。"


def test_quota_cannot_drop_below_the_choice(aw):
    a, b, _c = scored(aw)
    awards.select(aw.world.staff, aw.round, [a.pk, b.pk])
    exc = refused(DomainError, awards.update_round, aw.world.staff, aw.round, quota=1)
    assert (exc.field, exc.message) == ("quota", "已选定的优秀提案多于该名额。")


def test_publish_needs_a_choice(aw):
    scored(aw)
    exc = refused(DomainError, awards.publish, aw.world.staff, aw.round)
    assert (exc.field, exc.message) == ("nominations", "请先选定优秀提案。")
    fresh = build_awards(aw.world, proposals=0)
    exc = refused(InvalidTransition, awards.publish, aw.world.staff, fresh.round)
    assert exc.message == "评审开始并选定优秀提案后才能公布。"


def test_publish_records_tells_the_proposers_and_freezes_the_round(aw):
    a, b, _c = scored(aw)
    awards.select(aw.world.staff, aw.round, [a.pk, b.pk])
    awards.publish(aw.world.staff, aw.round)
    assert aw.round.status == "published" and aw.round.published_at is not None
    told = Notification.objects.filter(verb="award_chosen")
    assert {(n.user, n.proposal) for n in told} == {
        (a.proposal.proposer, a.proposal),
        (b.proposal.proposer, b.proposal),
    }
    assert a.proposal.proposer != b.proposal.proposer
    assert all(aw.round.name in n.message for n in told)
    published = ProposalEvent.objects.filter(action="award_publish")
    assert {e.proposal for e in published} == {a.proposal, b.proposal}
    assert round_log(aw.round)[-1] == "award_published"


FROZEN = [
    ("update_round", lambda aw, n: awards.update_round(aw.world.staff, aw.round, name="新名称")),
    ("update quota", lambda aw, n: awards.update_round(aw.world.staff, aw.round, quota=9)),
    ("nominate", lambda aw, n: awards.nominate(aw.world.staff, aw.round, aw.extra, "")),
    ("withdraw", lambda aw, n: awards.withdraw_nomination(aw.world.staff, n[2])),
    ("open_scoring", lambda aw, n: awards.open_scoring(aw.world.staff, aw.round)),
    ("score", lambda aw, n: awards.score(aw.expert, n[0], points(10))),
    ("select", lambda aw, n: awards.select(aw.world.staff, aw.round, [n[0].pk])),
    ("publish", lambda aw, n: awards.publish(aw.world.staff, aw.round)),
]


@pytest.mark.parametrize(("name", "call"), FROZEN, ids=[name for name, _c in FROZEN])
def test_nothing_changes_after_publication(aw, name, call):
    nominations = scored(aw)
    aw.extra = flows.filed(aw.world, cosigners=False)
    awards.select(aw.world.staff, aw.round, [nominations[0].pk, nominations[1].pk])
    awards.publish(aw.world.staff, aw.round)
    before = (
        list(AwardScore.objects.values_list("pk", "total")),
        list(Nomination.objects.values_list("pk", "selected")),
        ProposalEvent.objects.count(),
        CommitteeEvent.objects.count(),
    )
    exc = refused(InvalidTransition, call, aw, nominations)
    assert exc.message == PUBLISHED
    after = (
        list(AwardScore.objects.values_list("pk", "total")),
        list(Nomination.objects.values_list("pk", "selected")),
        ProposalEvent.objects.count(),
        CommitteeEvent.objects.count(),
    )
    assert after == before
    aw.round.refresh_from_db()
    assert (aw.round.name, aw.round.quota, aw.round.status) == (
        "2025年度优秀提案评选",
        2,
        "published",
    )
