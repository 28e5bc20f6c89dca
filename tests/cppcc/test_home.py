"""The work centre (the landing page) and login."""

import datetime
import re

from rest_framework.test import APIClient

from proposals.services import handling, supervision
from tests import flows
from tests.helpers import logged_in


def test_login_required_and_counts_follow_visibility(client, world):
    assert client.get("/").status_code == 302
    flows.submitted(world)
    flows.draft(world, title="另一份草稿")
    client.force_login(world.member.user)
    page = client.get("/").content.decode()
    assert "我可见的提案：2 件" in page
    client.force_login(world.staff)
    page = client.get("/").content.decode()
    assert "我可见的提案：1 件" in page  # staff do not see drafts


def test_login_page_logs_a_member_in(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and 'lang="zh-Hans"' in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": world.member.user.username, "password": "pw-test-123"}
    )
    assert response.status_code == 302 and response.url == "/"
    bad = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert "用户名或密码不正确" in bad.content.decode()


# ---- to-dos from the workflow table ----------------------------------------------------------

TODAY = datetime.date(2026, 11, 16)  # the tests' fixed clock (tests/conftest.py)


def home(client, user) -> str:
    return logged_in(client, user).get("/").content.decode()


def test_a_supervisor_finds_the_key_proposal_to_supervise(client, world):
    p = flows.assigned(world, on=TODAY, title="重点督办的提案")
    supervision.mark_key(world.staff, p, [world.supervisor.pk])
    page = home(client, world.supervisor)
    assert "重点督办的提案" in page and "督办" in page and "暂无待办事项" not in page


def test_staff_see_pending_rerouting_requests_and_overdue_work(client, world):
    late = flows.assigned(world, title="早已超期")  # reply due 10 June 2025
    fresh = flows.assigned(world, on=TODAY, title="刚交办")
    handling.request_reassignment(
        world.lead_handler, flows.lead_assignment(fresh), "不属于本单位职责", today=TODAY
    )
    page = home(client, world.staff)
    assert queue_counts(page)["requests"] == "1" and "不属于本单位职责" in page
    assert queue_counts(page)["overdue"] == "2"  # the lead and the co-unit of the late one
    overdue = re.search(r'id="queue-overdue".*?</section>', page, re.S)[0]
    assert late.title in overdue and "刚交办" not in overdue
    # 10 June 2025 to 16 November 2026, in working days (the board shows the same).
    assert re.search(r"逾期 \d{3} 个工作日", overdue)


def test_the_badge_counts_the_to_dos_on_every_page(client, world):
    flows.confirmed(world, title="待审查甲")
    flows.confirmed(world, title="待审查乙")
    logged_in(client, world.staff)
    # Pages never count (their queries stay fixed): the page script asks for the count.
    page = client.get("/proposals/").content.decode()
    assert 'data-todo-url="/todo-count/"' in page
    assert client.get("/todo-count/").json() == {"count": 2}
    page = client.get("/proposals/").content.decode()
    assert re.search(r"待办 </span><span data-todo-badge>2</span>", page)
    assert queue_counts(home(client, world.staff)) == {"review": "2"}
    # The user's own action clears it: it is counted afresh.
    p = flows.confirmed(world, title="待审查丙")
    assert client.get("/todo-count/").json() == {"count": 2}  # still the cached count
    client.post(
        f"/proposals/{p.pk}/act/review/", {"review-stage": "initial", "review-decision": "pass"}
    )
    assert client.get("/todo-count/").json() == {"count": 3}  # 丙 passed 初审: still to review


def queue_counts(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="queue-(\w+)">.*?class="queue-count">(\d+\+?)<', page, re.S))


def test_the_lead_unit_sees_why_it_cannot_reply_yet(client, world):
    p = flows.assigned(world, on=TODAY, title="待会办意见")
    handling.accept(world.lead_handler, flows.lead_assignment(p), today=TODAY)
    page = home(client, world.lead_handler)
    assert "待会办意见" in page
    assert f"会办单位尚未提交会办意见（{world.units[1].name}），暂不能答复" in page
    detail = logged_in(APIClient(), world.lead_handler).get(f"/api/v1/proposals/{p.pk}/").data
    assert {
        "action": "reply",
        "reason": f"会办单位尚未提交会办意见（{world.units[1].name}），暂不能答复。",
        "assignment": flows.lead_assignment(p).pk,
    } in detail["blocked_actions"]
    # The co-unit's own to-do is its opinion.
    assert "会办意见" in home(client, world.co_handler)


def test_the_home_page_query_count_does_not_grow_with_to_dos(
    client, world, django_assert_max_num_queries
):
    for n in range(3):
        flows.assigned(world, on=TODAY, title=f"交办{n}")
    logged_in(client, world.lead_handler)
    with django_assert_max_num_queries(30):
        assert client.get("/").status_code == 200


def test_staff_see_why_a_proposal_cannot_be_reviewed_yet(client, world):
    flows.submitted(world, title="联名待确认")  # the co-signer has not answered
    page = home(client, world.staff)
    assert "联名待确认" in page and f"联名人尚未全部确认（{world.cosigner}），暂不能审查" in page
    assert "没有待确认的联名人" not in page  # not a to-do: no noise


def test_many_proposals_under_way_do_not_hide_the_ones_waiting_for_review(client, world):
    for n in range(31):  # more than the home page used to look at in all
        flows.assigned(world, with_co=False, title=f"办理中{n}")
    flows.confirmed(world, title="等待审查的新提案")
    assert "等待审查的新提案" in home(client, world.staff)
