"""The award pages: each role sees its part, mistakes come back as field errors (never a
500), page query counts do not grow with nominations or reviewers, and the whole
round can be run from the browser."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import AwardRound, AwardScore, Nomination, Notification
from proposals.services import awards
from tests.factories import UserFactory, World
from tests.helpers import logged_in
from tests.proposals.awards.conftest import Awards, build_awards, filed_proposals, points


def round_url(aw: Awards, name: str = "awards:round", *args) -> str:
    return reverse(name, args=[aw.round.pk, *args])


def numbers_in_order(html: str, numbers: list[str]) -> list[str]:
    """The given proposal numbers in the order they first appear in ``html``."""
    return sorted(numbers, key=html.index)


# ---- who gets which page ---------------------------------------------------------------------


def test_index_lists_the_rounds_each_person_may_see(client, aw):
    page = logged_in(client, aw.world.staff).get(reverse("awards:index")).content.decode()
    assert aw.round.name in page and reverse("awards:create") in page
    page = logged_in(client, aw.expert).get(reverse("awards:index")).content.decode()
    assert aw.round.name in page and "我是评审" in page and reverse("awards:create") not in page
    page = logged_in(client, aw.world.member.user).get(reverse("awards:index")).content.decode()
    assert aw.round.name not in page and "暂无评选" in page


def test_non_staff_cannot_open_the_staff_pages(client, aw):
    logged_in(client, aw.world.member.user)
    assert client.get(reverse("awards:create")).status_code == 403
    assert client.get(round_url(aw)).status_code == 404  # not published: not theirs to see
    assert client.get(round_url(aw, "awards:published")).status_code == 404
    logged_in(client, aw.expert)  # on the panel, but not staff
    assert client.get(round_url(aw, "awards:edit")).status_code == 403
    response = client.post(round_url(aw, "awards:nominate"), {"proposal": aw.proposals[0].pk})
    assert response.status_code == 403
    assert not Nomination.objects.exists()


def test_another_committees_staff_sees_nothing(client, aw):
    other = World.build(prefix="x")
    logged_in(client, other.staff)
    assert client.get(round_url(aw)).status_code == 404
    assert client.post(round_url(aw, "awards:open_scoring")).status_code == 404
    assert aw.round.name not in client.get(reverse("awards:index")).content.decode()


def test_reviewers_score_blind_and_staff_see_the_ranking(client, aw):
    a, b, c = aw.scoring()
    awards.score(aw.world.lead_handler, c, points(95))
    page = logged_in(client, aw.expert).get(round_url(aw)).content.decode()
    assert 'id="ranking"' not in page and "95.00" not in page and "award-ranking" not in page
    assert all(f'id="n{n.pk}"' in page for n in (a, b, c))
    assert page.count('name="n') >= 3 * 3  # two criteria and a comment per nomination
    assert "情况分析" in page  # the proposal's text, which the expert may not otherwise read
    page = logged_in(client, aw.world.staff).get(round_url(aw)).content.decode()
    assert 'id="ranking"' in page and "95.00" in page


# ---- forms put errors on their fields --------------------------------------------------------


def round_post(w: World, **changes) -> dict:
    return {
        "name": "2025年度优秀提案评选",
        "year": "2025",
        "session": "",
        "quota": "2",
        "rubric": "选题价值|40\n建议可行性|60",
        "reviewers": [w.lead_handler.pk],
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rubric": "选题价值 40"}, "rubric", "第 1 行应写成“标准|满分”。"),
        ({"rubric": "选题价值|40\n调研|0"}, "rubric", "第 2 行的满分须为 1 至 1000 的整数。"),
        ({"rubric": "选题价值|40\n选题价值|10"}, "rubric", "评分标准“选题价值”重复。"),
        ({"rubric": "\n \n"}, "rubric", "必填"),
        ({"quota": "0"}, "quota", ""),
        ({"session": "999999"}, "session", ""),
        ({"reviewers": ["999999"]}, "reviewers", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_form_shows_field_errors(client, world, changes, field, message):
    response = logged_in(client, world.staff).post(
        reverse("awards:create"), round_post(world, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert 'class="error"' in response.content.decode()
    assert not AwardRound.objects.exists()


def test_create_form_makes_the_round(client, world):
    response = logged_in(client, world.staff).post(reverse("awards:create"), round_post(world))
    r = AwardRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("awards:round", args=[r.pk])
    assert r.rubric == [
        {"key": "c1", "label": "选题价值", "max": 40},
        {"key": "c2", "label": "建议可行性", "max": 60},
    ]
    assert list(r.reviewers.all()) == [world.lead_handler]


def test_editing_keeps_rubric_keys_and_freezes_the_rubric_once_scoring(client, aw):
    logged_in(client, aw.world.staff)
    data = round_post(aw.world, rubric="建议可行性|50\n选题价值|40\n办理成效|10")
    data["reviewers"] = [r.pk for r in aw.reviewers]
    assert client.post(round_url(aw, "awards:edit"), data).status_code == 302
    aw.round.refresh_from_db()
    assert [c["key"] for c in aw.round.rubric] == ["feasibility", "topic", "c3"]
    aw.scoring()
    data.update(rubric="别的|100", name="改了名的评选")
    response = client.post(round_url(aw, "awards:edit"), data)
    assert response.status_code == 302
    aw.round.refresh_from_db()
    assert aw.round.name == "改了名的评选" and len(aw.round.rubric) == 3  # rubric field disabled
    page = client.get(round_url(aw, "awards:edit")).content.decode()
    assert "评审开始后不能修改。" in page


def test_edit_shows_the_services_refusal_on_the_field(client, aw):
    a = aw.scoring()[0]
    awards.score(aw.expert, a, points(50))
    data = round_post(aw.world, reviewers=[aw.world.lead_handler.pk])  # drops the expert
    response = logged_in(client, aw.world.staff).post(round_url(aw, "awards:edit"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reviewers"] == ["已打分的评审组成员不能移出评审组。"]


def test_nominate_errors_stay_on_the_round_page(client, aw):
    logged_in(client, aw.world.staff)
    p = aw.proposals[0]
    page = client.get(round_url(aw), {"q": p.number}).content.decode()
    assert f'name="proposal" value="{p.pk}"' in page
    assert f'value="{aw.proposals[1].pk}"' not in page  # the search narrowed the list
    assert client.post(round_url(aw, "awards:nominate"), {"proposal": p.pk}).status_code == 302
    response = client.post(round_url(aw, "awards:nominate"), {"proposal": p.pk})
    assert response.status_code == 200
    assert response.context["nominate_form"].errors["proposal"] == ["该提案已被推荐。"]
    assert "该提案已被推荐。" in response.content.decode()
    response = client.post(round_url(aw, "awards:nominate"), {"proposal": "abc"})
    assert response.status_code == 200
    assert response.context["nominate_form"].errors["proposal"] == ["请从搜索结果中选择提案。"]
    assert Nomination.objects.count() == 1


def test_score_form_enforces_the_maximum_on_the_server(client, aw):
    n = aw.scoring()[0]
    logged_in(client, aw.expert)
    data = {f"n{n.pk}-points.topic": "41", f"n{n.pk}-points.feasibility": "10"}
    response = client.post(round_url(aw, "awards:score", n.pk), data)
    assert response.status_code == 200
    assert "points.topic" in response.context["score_rows"][0]["form"].errors
    data[f"n{n.pk}-points.topic"] = "abc"
    assert client.post(round_url(aw, "awards:score", n.pk), data).status_code == 200
    assert not AwardScore.objects.exists()
    data[f"n{n.pk}-points.topic"] = "40"
    response = client.post(round_url(aw, "awards:score", n.pk), data)
    assert response.status_code == 302 and response.url.endswith(f"#n{n.pk}")
    assert AwardScore.objects.get().total == 50
    logged_in(client, aw.world.staff)  # staff are not on this panel
    assert client.post(round_url(aw, "awards:score", n.pk), data).status_code == 403


def test_select_over_the_quota_is_a_field_error(client, aw):
    nominations = aw.scoring()
    for n in nominations:
        awards.score(aw.expert, n, points(60))
    data = {"nominations": [n.pk for n in nominations]}
    response = logged_in(client, aw.world.staff).post(round_url(aw, "awards:select"), data)
    assert response.status_code == 200
    assert response.context["select_form"].errors["nominations"] == [
        "最多评选 2 件优秀提案，已选 3 件。"
    ]
    page = response.content.decode()
    assert all(f'value="{n.pk}" id="pick-{n.pk}" checked' in page for n in nominations)
    response = client.post(round_url(aw, "awards:select"), {"nominations": ["x"]})
    assert response.status_code == 200 and response.context["select_form"].errors
    assert not Nomination.objects.filter(selected=True).exists()


def test_buttons_report_refusals_as_messages(client, aw):
    logged_in(client, aw.world.staff)
    response = client.post(round_url(aw, "awards:open_scoring"), follow=True)
    assert "请先推荐至少一件提案。" in response.content.decode()
    aw.scoring()
    response = client.post(round_url(aw, "awards:publish"), follow=True)
    assert "请先选定优秀提案。" in response.content.decode()
    aw.round.refresh_from_db()
    assert aw.round.status == "scoring"


def test_published_round_offers_no_changes(client, aw):
    a, b, _c = aw.scoring()
    awards.score(aw.expert, a, points(70))
    awards.select(aw.world.staff, aw.round, [a.pk])
    awards.publish(aw.world.staff, aw.round)
    logged_in(client, aw.world.staff)
    page = client.get(round_url(aw)).content.decode()
    assert reverse("awards:edit", args=[aw.round.pk]) not in page
    assert reverse("awards:publish", args=[aw.round.pk]) not in page
    assert "<form" not in page.split('id="published"')[1].split("</section>")[0]
    response = client.get(round_url(aw, "awards:edit"), follow=True)
    assert "评选结果已公布，不能再修改。" in response.content.decode()
    response = client.post(round_url(aw, "awards:select"), {"nominations": [b.pk]}, follow=True)
    assert "评选结果已公布，不能再修改。" in response.content.decode()
    assert list(Nomination.objects.filter(selected=True)) == [a]
    logged_in(client, aw.expert)
    data = {f"n{a.pk}-points.topic": "1", f"n{a.pk}-points.feasibility": "1"}
    response = client.post(round_url(aw, "awards:score", a.pk), data, follow=True)
    assert "评选结果已公布，不能再修改。" in response.content.decode()
    assert AwardScore.objects.get().total == 70
    assert f'action="{round_url(aw, "awards:score", a.pk)}"' not in response.content.decode()


# ---- query counts ----------------------------------------------------------------------------


def ready(w: World, proposals: int, reviewers: int, publish: bool = False) -> Awards:
    """A round in scoring (or published) with every nomination scored by every reviewer."""
    aw = build_awards(w, proposals=proposals)
    panel = [aw.expert, w.lead_handler] + [
        UserFactory(committee=w.committee) for _ in range(reviewers - 2)
    ]
    awards.update_round(w.staff, aw.round, reviewers=panel, quota=proposals)
    nominations = aw.scoring()
    for i, n in enumerate(nominations):
        for reviewer in panel:
            awards.score(reviewer, n, points(50 + i))
    awards.select(w.staff, aw.round, [n.pk for n in nominations[:2]])
    if publish:
        awards.publish(w.staff, aw.round)
    return aw


def queries(client, user, url: str) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("staff", "awards:round", False),
    ("expert", "awards:round", False),
    ("staff", "awards:round", True),
    ("member", "awards:published", True),
    ("staff", "awards:index", True),
    ("member", "awards:index", True),
]


@pytest.mark.parametrize(("who", "page", "publish"), PAGES)
def test_page_queries_do_not_grow_with_nominations_or_reviewers(client, world, who, page, publish):
    person = {"staff": world.staff, "member": world.member.user}
    counts = []
    # The second round is bigger; on the index both are listed the second time.
    for size, panel in ((2, 2), (6, 4)):
        aw = ready(world, proposals=size, reviewers=panel, publish=publish)
        user = person.get(who, aw.expert)
        url = reverse(page) if page == "awards:index" else reverse(page, args=[aw.round.pk])
        counts.append(queries(client, user, url))
    assert counts[0] == counts[1] and counts[1] <= 20, counts


def test_nominating_page_queries_do_not_grow(client, world):
    small = build_awards(world, proposals=2)
    small.nominate_all()
    big = build_awards(world, proposals=0)
    big.proposals = filed_proposals(world, 6)
    big.nominate_all()
    counts = [queries(client, world.staff, round_url(aw)) for aw in (small, big)]
    assert counts[0] == counts[1] and counts[1] <= 20, counts


# ---- the whole round from the browser --------------------------------------------------------


def test_full_round_from_the_browser(client, world):
    expert = UserFactory(committee=world.committee, display_name="智库专家")
    proposals = filed_proposals(world, 3)
    staff = logged_in(client, world.staff)

    response = staff.post(
        reverse("awards:create"), round_post(world, reviewers=[expert.pk, world.lead_handler.pk])
    )
    r = AwardRound.objects.get()
    url = reverse("awards:round", args=[r.pk])
    assert response.url == url

    for p in proposals:
        page = staff.get(url, {"q": p.title}).content.decode()
        assert f'name="proposal" value="{p.pk}"' in page
        response = staff.post(
            reverse("awards:nominate", args=[r.pk]), {"proposal": p.pk, "reason": "调研深入"}
        )
        assert response.status_code == 302
    assert staff.post(reverse("awards:open_scoring", args=[r.pk])).status_code == 302
    r.refresh_from_db()
    assert r.status == "scoring"
    assert Notification.objects.filter(user=expert, verb="award_scoring").exists()

    nominations = {n.proposal_id: n for n in Nomination.objects.filter(round=r)}
    # proposals[1] best (both 90), proposals[2] next (80, 90), proposals[0] last (60, 70)
    marks = {expert: (60, 90, 80), world.lead_handler: (70, 90, 90)}
    for reviewer, totals in marks.items():
        logged_in(client, reviewer)
        for p, total in zip(proposals, totals, strict=True):
            n = nominations[p.pk]
            data = {
                f"n{n.pk}-points.c1": str(min(total, 40)),
                f"n{n.pk}-points.c2": str(total - min(total, 40)),
                f"n{n.pk}-comment": "好",
            }
            response = client.post(reverse("awards:score", args=[r.pk, n.pk]), data)
            assert response.status_code == 302, response.content.decode()

    staff = logged_in(client, world.staff)
    page = staff.get(url).content.decode()
    ranking = page.split('id="ranking"')[1]
    numbers = [p.number for p in proposals]
    expected = [proposals[1].number, proposals[2].number, proposals[0].number]
    assert numbers_in_order(ranking, numbers) == expected
    assert "90.00" in ranking and "85.00" in ranking and "65.00" in ranking

    chosen = [nominations[proposals[1].pk].pk, nominations[proposals[2].pk].pk]
    response = staff.post(reverse("awards:select", args=[r.pk]), {"nominations": chosen})
    assert response.status_code == 302
    response = staff.post(reverse("awards:publish", args=[r.pk]))
    assert response.url == reverse("awards:published", args=[r.pk])

    # Everyone in the committee reads the result, in rank order.
    reader = logged_in(client, world.supervisor)
    page = reader.get(reverse("awards:published", args=[r.pk])).content.decode()
    listed = page.split('id="chosen"')[1]
    assert numbers_in_order(listed, numbers[1:]) == expected[:2]
    assert proposals[0].number not in listed
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)</td>", listed)
    assert rows == ["1", "2"]
    assert str(proposals[1].proposer) in listed and "90.00" in listed
    assert reader.get(url).url == reverse("awards:published", args=[r.pk])

    told = Notification.objects.filter(verb="award_chosen")
    assert {(n.user_id, n.proposal_id) for n in told} == {
        (proposals[1].proposer_id, proposals[1].pk),
        (proposals[2].proposer_id, proposals[2].pk),
    }
    page = logged_in(client, proposals[1].proposer).get(reverse("proposals:notifications"))
    assert "优秀提案" in page.content.decode()
