"""Administrators' rule and calendar pages: saved through the configuration service,
errors next to fields, due dates recomputed."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from committees.models import CalendarOverride, CalendarYear, CommitteeEvent, RuleSet
from proposals.choices import DeadlineKind
from tests import flows
from tests.factories import SessionFactory, World

D = datetime.date
RULES = "/settings/rules/"
CALENDAR = "/settings/calendar/"


def frozen(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def rule_data(**over) -> dict:
    data = {
        "reroute_window_workdays": 5,
        "co_opinion_months": 1,
        "reply_months": 3,
        "reply_max_months": 6,
        "rehandling_months": 1,
        "feedback_months": 1,
        "feedback_timeout": "close",
        "reroute_restarts_clock": "on",
        "rehandling_restarts_clock": "on",
        "review_stages": ["initial", "second", "joint"],
        "number_format": "{term}-{meeting}-{seq:04d}",
        "decline_grounds": "内容空泛\n不属于本级政府职权范围\n",
        "reply_classes": "A|已解决或采纳\nB|正在解决或列入计划\nC|因条件限制留作参考",
    }
    data.update(over)
    return data


def reply_deadline(proposal):
    return flows.lead_assignment(proposal).deadlines.get(kind=DeadlineKind.REPLY)


@pytest.mark.parametrize("who", ["staff", "supervisor", "member"])
def test_only_administrators_see_settings(client, world, who):
    user = world.member.user if who == "member" else getattr(world, who)
    client.force_login(user)
    for url in (RULES, f"{RULES}default/", CALENDAR):
        assert client.get(url).status_code == 403
    assert client.post(f"{RULES}default/", rule_data()).status_code == 403
    assert client.post(CALENDAR, {"action": "delete", "dates": ["2025-01-01"]}).status_code == 403


# ------------------------------------------------------------------ rules


def test_rules_list_shows_default_and_sessions(admin_client, world, django_assert_max_num_queries):
    other = SessionFactory(committee=world.committee, term=14, meeting=3)
    RuleSet.objects.create(committee=world.committee, session=other, reply_months=2)
    with django_assert_max_num_queries(8):
        page = admin_client.get(RULES).content.decode()
    assert "尚未保存，正在使用系统内置的默认值" in page
    assert "十四届三次会议" in page and "修改本会次规则" in page
    assert "十四届二次会议" in page and "为本会次单独设置" in page


def test_saving_the_default_rules_recomputes_open_due_dates(admin_client, world):
    p = flows.assigned(world, with_co=False)
    reply = reply_deadline(p)
    assert reply.due_date == D(2025, 6, 10)
    edit = admin_client.get(f"{RULES}default/").content.decode()
    assert 'value="A|已解决或采纳' in edit or "A|已解决或采纳" in edit
    response = admin_client.post(f"{RULES}default/", rule_data(reply_months=4), follow=True)
    assert response.status_code == 200
    assert "规则已保存为第 1 版" in response.content.decode()
    assert "其中 1 项截止日期有调整" in response.content.decode()
    reply.refresh_from_db()
    assert reply.due_date == D(2025, 7, 10)
    rules = RuleSet.objects.get(committee=world.committee, session=None)
    assert rules.decline_grounds == ["内容空泛", "不属于本级政府职权范围"]
    assert rules.reply_classes[0] == {"code": "A", "label": "已解决或采纳"}
    assert rules.extension_restarts_clock is False
    event = CommitteeEvent.objects.filter(action="rules_changed").first()
    assert event.actor == world.admin and "reply_months" in event.data["changed"]


def test_a_session_gets_its_own_rules_starting_from_the_default(admin_client, world):
    RuleSet.objects.create(committee=world.committee, reply_months=2, reply_max_months=5)
    url = f"{RULES}session/{world.session.pk}/"
    form = admin_client.get(url).content.decode()
    assert "已按默认规则填好" in form
    assert 'name="reply_months" value="2"' in form
    response = admin_client.post(url, rule_data(reply_months=5, review_stages=["joint", "initial"]))
    assert response.status_code == 302
    own = RuleSet.objects.get(committee=world.committee, session=world.session)
    assert own.reply_months == 5 and own.review_stages == ["initial", "joint"]
    # Editing it again bumps its version.
    admin_client.post(url, rule_data(reply_months=4, expected_version=1))
    own.refresh_from_db()
    assert (own.version, own.reply_months) == (2, 4)


def test_another_committees_session_is_not_found(admin_client, world):
    other = World.build(prefix="外")
    assert admin_client.get(f"{RULES}session/{other.session.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"reply_max_months": 2}, "reply_max_months", "最长答复期限不能短于答复期限"),
        ({"number_format": "{term}-{foo}"}, "number_format", "编号格式"),
        ({"review_stages": []}, "review_stages", "该字段是必填项"),
        ({"review_stages": ["initial", "final"]}, "review_stages", "有效"),
        ({"reply_classes": "A 已解决"}, "reply_classes", "格式应为“代码|名称”"),
        ({"reply_classes": "A|甲\nA|乙"}, "reply_classes", "代码 A 重复"),
        ({"reply_months": "abc"}, "reply_months", "整数"),
        ({"reply_months": "0"}, "reply_months", "大于或等于1"),
        ({"reply_months": "999"}, "reply_months", "小于或等于60"),
        ({"decline_grounds": "甲\n甲"}, "decline_grounds", "第 2 行与前面重复"),
    ],
)
def test_bad_rules_show_field_errors_and_keep_input(admin_client, world, over, field, message):
    response = admin_client.post(f"{RULES}default/", rule_data(co_opinion_months=2, **over))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page
    assert f'<div id="id_{field}_error" role="alert">' in page
    assert 'name="co_opinion_months" value="2"' in page  # what was typed is kept
    assert not RuleSet.objects.filter(committee=world.committee).exists()


def test_a_concurrent_edit_is_refused(admin_client, world):
    rules = RuleSet.objects.create(committee=world.committee)
    RuleSet.objects.filter(pk=rules.pk).update(version=3)
    response = admin_client.post(f"{RULES}default/", rule_data(expected_version=1))
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()


def test_edit_page_query_count_is_bounded(admin_client, world, django_assert_max_num_queries):
    RuleSet.objects.create(committee=world.committee)
    with django_assert_max_num_queries(8):
        assert admin_client.get(f"{RULES}default/").status_code == 200


# ------------------------------------------------------------------ calendar


def test_calendar_lists_years_and_warns_about_an_unknown_next_year(
    admin_client, world, django_assert_max_num_queries
):
    CalendarOverride.objects.create(committee=world.committee, date=D(2026, 10, 9), kind="holiday")
    CalendarOverride.objects.create(committee=None, date=D(2026, 5, 6), kind="holiday", name="全局")
    with frozen(D(2026, 11, 23)), django_assert_max_num_queries(8):
        page = admin_client.get(f"{CALENDAR}?year=2026").content.decode()
    assert "2027 年的法定节假日安排尚未收录" in page
    assert "2026-10-09" in page and "全部政协（由超级管理员维护）" in page
    assert page.count('name="dates"') == 1  # global entries cannot be deleted here
    with frozen(D(2025, 11, 23)):
        page = admin_client.get(CALENDAR).content.decode()
    assert "尚未收录" not in page  # the package knows 2026


def test_adding_and_deleting_a_day_recomputes_due_dates(admin_client, world):
    p = flows.assigned(world, with_co=False)
    window = flows.lead_assignment(p).deadlines.get(kind=DeadlineKind.REROUTE_WINDOW)
    assert window.due_date == D(2025, 3, 17)
    response = admin_client.post(
        CALENDAR,
        {"action": "add", "day-date": "2025-03-17", "day-kind": "holiday", "day-name": "测试"},
        follow=True,
    )
    assert "已保存 1 天" in response.content.decode()
    assert "其中 1 项截止日期有调整" in response.content.decode()
    window.refresh_from_db()
    assert window.due_date == D(2025, 3, 18)
    response = admin_client.post(
        f"{CALENDAR}?year=2025", {"action": "delete", "dates": ["2025-03-17"]}, follow=True
    )
    assert "已删除 1 天" in response.content.decode()
    window.refresh_from_db()
    assert window.due_date == D(2025, 3, 17)
    assert not CalendarOverride.objects.exists()


def test_bulk_lines_are_saved(admin_client, world):
    lines = "2027-01-01 holiday 元旦\n\n2027/2/20 班 春节调休\n2027-02-05　休　春节"
    response = admin_client.post(CALENDAR, {"action": "bulk", "bulk-lines": lines})
    assert response.status_code == 302 and response.url.endswith("?year=2027")
    rows = CalendarOverride.objects.filter(committee=world.committee).order_by("date")
    assert [(r.date, r.kind, r.name) for r in rows] == [
        (D(2027, 1, 1), "holiday", "元旦"),
        (D(2027, 2, 5), "holiday", "春节"),
        (D(2027, 2, 20), "workday", "春节调休"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "bulk", "bulk-lines": "2027-13-01 holiday"}, "第 1 行：日期应为"),
        ({"action": "bulk", "bulk-lines": "2027-01-01 rest"}, "第 1 行：类型应为"),
        (
            {"action": "bulk", "bulk-lines": "2027-01-01 holiday\n2027-01-01 workday"},
            "第 2 行：日期与第 1 行重复",
        ),
        ({"action": "add", "day-date": "not a date", "day-kind": "holiday"}, "有效的日期"),
        ({"action": "add", "day-date": "2027-01-01", "day-kind": "nap"}, "选择一个有效的选项"),
        ({"action": "delete"}, "请勾选要删除的日期"),
        ({"action": "delete", "dates": ["yesterday"]}, "请勾选要删除的日期"),
        ({"action": "other"}, "无法识别的操作"),
    ],
)
def test_bad_calendar_input_shows_errors_not_500(admin_client, world, data, message):
    response = admin_client.post(CALENDAR, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_an_administrator_confirms_a_year_complete_and_can_take_it_back(admin_client, world):
    admin_client.post(CALENDAR, {"action": "bulk", "bulk-lines": "2027-01-01 holiday 元旦"})
    page = admin_client.get(f"{CALENDAR}?year=2027").content.decode()
    assert "确认 2027 年已全部录入" in page
    done = admin_client.post(CALENDAR, {"action": "complete", "year": "2027"}, follow=True)
    assert "已确认 2027 年节假日安排全部录入" in done.content.decode()
    assert CalendarYear.objects.filter(committee=world.committee, year=2027).exists()
    assert "已确认全部录入" in done.content.decode()
    undone = admin_client.post(CALENDAR, {"action": "incomplete", "year": "2027"}, follow=True)
    assert "已撤销 2027 年的确认" in undone.content.decode()
    assert not CalendarYear.objects.exists()
    bad = admin_client.post(CALENDAR, {"action": "complete", "year": "abc"})
    assert bad.status_code == 200 and "年份无效" in bad.content.decode()
