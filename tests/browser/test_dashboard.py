"""The statistics dashboard in a real browser: ECharts draws a chart beside every table
without a console error, a figure opens its list, and without JavaScript the tables
are all there and the chart boxes stay hidden."""

from __future__ import annotations

import pytest

from tests.factories import CommitteeFactory, World
from tests.proposals.test_statistics import build_small

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECTIONS = 9  # state, category, source, sector, session, units, replies, classes, satisfaction


def test_charts_are_drawn_and_figures_open_their_lists(sessions):
    w = World.build()
    build_small(w)
    county = World.build(
        committee=CommitteeFactory(
            name="小店区政协", short_name="小店区", code="xd", level="county", parent=w.committee
        ),
        prefix="xd",
    )
    from tests import flows

    flows.filed(county)
    staff = sessions(w.staff)
    page = staff.go("/statistics/")
    page.wait_for_selector("[data-chart=chart-satisfaction] canvas")
    assert page.locator(".chart[hidden]").count() == 0
    assert page.locator(".chart canvas").count() == SECTIONS + 1  # and the committees
    box = page.locator("[data-chart=chart-category]").bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    staff.screenshot("staff-dashboard")

    page.locator("#table-category a.figure").first.click()  # 经济建设, received: 3
    page.wait_for_url("**/proposals/?*category=economic*")
    assert "共 3 件" in page.inner_text("main")

    page = staff.go("/statistics/?year=abc")
    assert page.locator(".has-error #id_year").count() == 1
    assert page.locator(".chart").count() == 0


def test_without_javascript_the_tables_carry_everything(browser, live_server):
    w = World.build()
    build_small(w)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", w.staff.username)
        page.fill("#id_password", "pw-test-123")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/statistics/")
        assert page.locator(".chart:visible").count() == 0
        assert page.locator("table.stats").count() == SECTIONS
        assert page.locator("#table-category").is_visible()
        assert "社会建设" in page.inner_text("#table-category")
    finally:
        context.close()
