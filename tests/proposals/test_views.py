"""Browser pages: each role's pages render, actions run through the services, errors
stay on the page, and page query counts do not grow with the list."""

from __future__ import annotations

import datetime

import pytest

from proposals.models import Proposal
from proposals.services import handling
from tests import flows
from tests.helpers import logged_in

PAGES = [
    ("member", "/"),
    ("member", "/proposals/"),
    ("member", "/proposals/new/"),
    ("member", "/proposals/notifications/"),
    ("staff", "/"),
    ("staff", "/proposals/"),
    ("staff", "/proposals/reassignment-requests/"),
    ("staff", "/proposals/overdue/"),
    ("staff", "/proposals/key/"),
    ("lead_handler", "/proposals/assignments/"),
    ("supervisor", "/proposals/key/"),
    ("member", "/accounts/password/"),
    ("staff", "/statistics/screen/"),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_pages_render_for_their_roles(client, world, role, url):
    flows.assigned(world)
    person = getattr(world, role)
    response = logged_in(client, getattr(person, "user", person)).get(url)
    assert response.status_code == 200, url
    assert 'lang="zh-Hans"' in response.content.decode()


def test_detail_shows_the_actions_the_rules_allow(client, world):
    p = flows.reviewed(world)
    page = logged_in(client, world.staff).get(p.get_absolute_url()).content.decode()
    assert "action-file" in page and "action-review" not in page
    page = logged_in(client, world.member.user).get(p.get_absolute_url()).content.decode()
    assert "action-file" not in page and "action-withdraw" in page


def test_filing_from_the_page_shows_the_number(client, world):
    p = flows.reviewed(world)
    logged_in(client, world.staff)
    response = client.post(f"/proposals/{p.pk}/act/file/", {"go": "file"}, follow=True)
    assert response.status_code == 200
    p.refresh_from_db()
    assert p.state == "filed" and p.number in response.content.decode()


def test_review_error_stays_next_to_the_field(client, world):
    p = flows.confirmed(world)
    logged_in(client, world.staff)
    response = client.post(
        f"/proposals/{p.pk}/act/review/",
        {"review-stage": "initial", "review-decision": "return", "review-opinion": ""},
    )
    assert response.status_code == 200  # the page again, with the error by the field
    assert "退回修改须说明理由" in response.content.decode()
    p.refresh_from_db()
    assert p.state == "submitted"


def test_assign_shows_due_dates_before_confirming(client, world):
    p = flows.filed(world)
    logged_in(client, world.staff)
    data = {"assign-lead_unit": world.units[0].pk, "assign-co_units": [world.units[1].pk]}
    preview = client.post(f"/proposals/{p.pk}/act/assign/", data)
    assert preview.status_code == 200 and "确认交办" in preview.content.decode()
    p.refresh_from_db()
    assert p.state == "filed"
    client.post(f"/proposals/{p.pk}/act/assign/", {**data, "confirm": "1"})
    p.refresh_from_db()
    assert p.state == "assigned" and p.assignments.count() == 2


def test_second_tab_gets_a_conflict_instead_of_overwriting(client, world):
    p = flows.draft(world)
    logged_in(client, world.member.user)
    form = {
        "title": "第一个标签页",
        "category": "economic",
        "suggestions": "建议",
        "version": p.version,
    }
    assert client.post(f"/proposals/{p.pk}/autosave/", form).status_code == 200
    stale = client.post(f"/proposals/{p.pk}/autosave/", {**form, "title": "第二个标签页"})
    assert stale.status_code == 412 and "已被他人修改" in stale.json()["message"]
    page = client.post(f"/proposals/{p.pk}/edit/", {**form, "title": "第二个标签页"})
    assert "已被他人修改" in page.content.decode()
    p.refresh_from_db()
    assert p.title == "第一个标签页"


def test_other_members_draft_is_404(client, world):
    p = flows.draft(world)
    logged_in(client, world.other_member.user)
    assert client.get(p.get_absolute_url()).status_code == 404
    assert client.post(f"/proposals/{p.pk}/act/submit/").status_code == 404


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    logged_in(client, world.staff)
    for i in range(3):
        flows.assigned(world, title=f"提案{i}")
    with django_assert_max_num_queries(30) as few:
        client.get("/proposals/")
    for i in range(12):
        flows.assigned(world, title=f"更多提案{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/proposals/")
    assert Proposal.objects.count() == 15


def test_unit_sees_the_remaining_rerouting_days(client, world):
    p = flows.assigned(world, on=__import__("datetime").date.today())
    logged_in(client, world.lead_handler)
    page = client.get("/proposals/assignments/").content.decode()
    assert "可申请调整：剩余 5 个工作日" in page
    assert "可申请调整：剩余 5 个工作日" in client.get(p.get_absolute_url()).content.decode()


def test_forbidden_pages_are_friendly(client, world):
    logged_in(client, world.member.user)
    response = client.get("/proposals/overdue/")
    assert response.status_code == 403 and "无权访问" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/proposals/assignments/", "lead_handler"),
        ("detail", "lead_handler"),
        ("/", "staff"),
        ("/", "lead_handler"),
        ("/todo-count/", "staff"),
        ("/proposals/overdue/", "staff"),  # with a 催办 button per row
        ("/proposals/?category=social", "staff"),  # the filter bar, chips, saved filters
        ("/statistics/screen/", "staff"),
        ("/proposals/key/", "supervisor"),
        ("/proposals/reassignment-requests/", "staff"),
        ("/proposals/notifications/", "lead_handler"),
        ("/proposals/merge-suggestions/", "staff"),
        ("/proposals/", "member"),
        ("/proposals/", "lead_handler"),
    ],
)
def test_pages_do_not_grow_in_queries(client, world, url, role, django_assert_max_num_queries):
    logged_in(client, world.member.user if role == "member" else getattr(world, role))
    first = flows.assigned(world, title="提案0")
    target = first.get_absolute_url() if url == "detail" else url
    with django_assert_max_num_queries(60) as few:
        client.get(target)
    for i in range(8):
        more = flows.replied(world, title=f"更多{i}")
        from proposals.services import drafting

        drafting.create_draft(world.member.user, {"title": f"草稿{i}", "category": "social"})
    target = more.get_absolute_url() if url == "detail" else url
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(target)


def test_inbox_lists_only_open_work_by_default(client, world):
    done = flows.replied(world, title="早已答复的提案")  # lead replied, co-unit gave its opinion
    open_one = flows.assigned(world, title="待办理")
    logged_in(client, world.co_handler)
    page = client.get("/proposals/assignments/").content.decode()
    assert open_one.title in page and done.title not in page
    everything = client.get("/proposals/assignments/?status=opinion_given").content.decode()
    assert done.title in everything


@pytest.mark.parametrize(
    ("role", "url", "sorts"),
    [
        ("staff", "/proposals/overdue/", ["due", "unit", "new"]),
        ("staff", "/proposals/reassignment-requests/", ["pending", "new", "old"]),
        ("staff", "/proposals/key/", ["new", "number"]),
        ("member", "/proposals/notifications/", ["new", "unread", "old"]),
        ("lead_handler", "/proposals/assignments/", ["due", "new"]),
    ],
)
def test_every_list_sorts(client, world, role, url, sorts):
    flows.assigned(world, on=datetime.date(2024, 1, 2))  # long overdue
    person = getattr(world, role)
    logged_in(client, getattr(person, "user", person))
    for key in sorts:
        response = client.get(f"{url}?sort={key}")
        assert response.status_code == 200
        assert f'value="{key}" selected' in response.content.decode()


def test_overdue_board_lists_late_assignments(client, world):
    late = flows.assigned(world, on=datetime.date(2024, 1, 2), title="早已超期")
    flows.assigned(world, on=datetime.date.today(), title="刚交办")
    page = logged_in(client, world.staff).get("/proposals/overdue/").content.decode()
    assert late.title in page and "刚交办" not in page


def test_the_inbox_shows_the_warning_of_a_due_date_counted_monday_to_friday(client, world):
    """Reply due 15 March 2027, a year whose holidays are not known yet."""
    p = flows.assigned(world, on=datetime.date(2026, 12, 15))
    handling.accept(world.lead_handler, flows.lead_assignment(p), today=datetime.date(2026, 12, 16))
    page = logged_in(client, world.lead_handler).get("/proposals/assignments/").content.decode()
    assert '<span class="nowrap">2027-03-15</span> <small>答复期限</small>' in page
    assert "2027年节假日安排尚未公布，按周一至周五工作日计算" in page
