"""The annual report: the demo world's 2023 report states exactly the seed report's
figures, on the page and in the Word file; shares print as the report prints them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from docx import Document
from docx.oxml.ns import qn

from committees.models import Committee
from members.models import User
from proposals.reports.annual import annual_report, format_share
from proposals.reports.annual_docx import annual_docx
from tests import flows
from tests.factories import World

# As tests/proposals/test_seed_demo.py seeds it.
TODAY = datetime.date(2024, 11, 20)
SEED = 7

# The 2023 report of 太原市政协, section 一, word for word — with the sentence on the
# declined proposals forwarded as opinions that the report now adds (the seed report
# does not give that figure; the demo world forwards 33 declined proposals).
STATISTICS_2023 = (
    "全年共收到提案743件，经审查立案618件，立案率83.18%。不予立案的提案中，转为意见建议33件。"
    "立案提案中，委员提案465件、集体提案153件。"
)
HANDLING_2023 = "78家承办单位认真协商办理，618件提案全部按时办结。"
CATEGORIES_2023 = [
    "——经济建设类提案178件，占28.8%。",
    "——政治建设类提案51件，占8.25%。",
    "——文化建设类提案75件，占12.14%。",
    "——社会建设类提案269件，占43.53%。",
    "——生态文明建设类提案45件，占7.28%。",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo world, seeded once for this module inside a transaction rolled back at
    the end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", seed=SEED, today=TODAY.isoformat(), stdout=StringIO())
        yield {
            "city": Committee.objects.get(code="taiyuan"),
            "staff": User.objects.get(username="staff"),
        }
        transaction.set_rollback(True)


@pytest.fixture
def world(db) -> World:
    """A small committee of its own: the demo world stays loaded until the module ends."""
    return World.build(prefix="t")


@pytest.fixture
def city_2023(demo, db):
    return annual_report(demo["staff"], year=2023, committee=demo["city"].pk, today=TODAY)


def test_2023_report_states_the_seed_reports_figures(demo, city_2023):
    report = city_2023
    assert report.paragraphs[:2] == [STATISTICS_2023, HANDLING_2023]
    assert [line.text for line in report.category_lines] == CATEGORIES_2023
    assert [(c.label, c.filed, c.share) for c in report.category_lines] == [
        ("经济建设", 178, 28.8),
        ("政治建设", 51, 8.25),
        ("文化建设", 75, 12.14),
        ("社会建设", 269, 43.53),
        ("生态文明建设", 45, 7.28),
    ]
    for sentence in [STATISTICS_2023, HANDLING_2023, *CATEGORIES_2023]:
        assert sentence in report.text
    assert report.title == "太原市政协2023年提案工作情况"
    assert report.heading == "一、2023年提案工作情况"
    # The tables: 78 units, all answered on time; sectors add up to the totals.
    assert len(report.units) == 78
    assert sum(u.assigned - u.rerouted for u in report.units) >= 618
    assert all(u.replied_on_time == u.replied and u.overdue == 0 for u in report.units)
    assert sum(g.received for g in report.sectors) == 743
    assert sum(g.filed for g in report.sectors) == 618


def test_the_report_defaults_to_the_users_own_committee(demo, city_2023):
    own = annual_report(demo["staff"], year=2023, today=TODAY)
    assert own.paragraphs == city_2023.paragraphs and own.committee == "太原市政协"


def test_the_page_and_the_word_file_state_the_same_sentences(demo, db, client):
    client.force_login(demo["staff"])
    query = f"year=2023&committee={demo['city'].pk}"
    page = client.get(f"/reports/annual/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    for sentence in [STATISTICS_2023, HANDLING_2023, *CATEGORIES_2023]:
        assert sentence in html
    assert f"/reports/annual.docx?{query}".replace("&", "&amp;") in html

    response = client.get(f"/reports/annual.docx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "太原市政协2023年提案工作情况"
    assert "一、2023年提案工作情况" in paragraphs
    for sentence in [STATISTICS_2023, HANDLING_2023, *CATEGORIES_2023]:
        assert sentence in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、2023年提案工作情况", "承办单位办理情况", "各界别提案情况"]
    units, sectors = document.tables
    assert [c.text for c in units.rows[0].cells][:5] == [
        "承办单位", "交办", "已答复", "按时答复", "按时答复率(%)",
    ]  # fmt: skip
    assert len(units.rows) == 1 + 78
    on_time = {row.cells[4].text for row in units.rows[1:]}
    assert on_time == {"100", "—"}  # "—": only co-handled, no reply letters of its own
    assert [c.text for c in sectors.rows[0].cells] == ["界别", "收到提案", "立案", "立案率(%)"]
    assert sum(int(row.cells[1].text) for row in sectors.rows[1:]) == 743
    # Chinese text renders in a Chinese font: East Asian fonts are set explicitly.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "黑体" and heading.get(qn("w:eastAsiaTheme")) is None


def test_format_share_drops_trailing_zeros_and_rounds_half_up():
    assert format_share(28.8) == "28.8"
    assert format_share(28.80) == "28.8"
    assert format_share(8.25) == "8.25"
    assert format_share(30.0) == "30"
    assert format_share(100) == "100"
    assert format_share(0) == "0"
    assert format_share(0.5) == "0.5"
    assert format_share(Decimal("83.175")) == "83.18"
    assert format_share(12.135) == "12.14"  # as written, not its binary approximation
    assert format_share(7.2849) == "7.28"
    assert format_share(None) == "—"


def test_a_year_with_late_and_open_work_says_how_far_handling_got(world):
    flows.closed(world, category="social")
    flows.assigned(world, with_co=False, category="economic")
    flows.submitted(world, category="cultural")
    report = annual_report(world.staff, session=world.session.pk, today=flows.DAY)
    assert report.paragraphs == [
        "十四届二次会议以来共收到提案3件，经审查立案2件，立案率66.67%。"
        "立案提案中，委员提案2件、集体提案0件。",
        "2家承办单位认真协商办理，立案提案2件中，已答复1件，其中按时答复1件，"
        "按时答复率100%；已办结1件。",
    ]
    assert report.category_lines[0].text == "——经济建设类提案1件，占50%。"
    assert report.category_lines[1].text == "——政治建设类提案0件，占0%。"
    assert report.handling == [
        "承办单位答复中，已解决或采纳的（A类）0件、占0%；正在解决或列入计划的（B类）1件、"
        "占100%；因条件限制留作参考的（C类）0件、占0%。",
        "提案者反馈1件，对沟通情况满意或基本满意的占100%，对办理结果满意或基本满意的占100%。",
    ]
    empty = annual_report(world.staff, year=2020, today=flows.DAY)
    assert empty.paragraphs == ["全年共收到提案0件，经审查立案0件。"]
    assert "本期没有交办的提案。" in [
        p.text for p in Document(io.BytesIO(annual_docx(empty))).paragraphs
    ]


def test_who_may_see_the_annual_report(client, world):
    flows.closed(world)
    for user in (world.staff, world.admin, world.supervisor):
        client.force_login(user)
        assert client.get(f"/reports/annual/?session={world.session.pk}").status_code == 200
    for user in (world.member.user, world.lead_handler, world.collective):
        client.force_login(user)
        assert client.get("/reports/annual/").status_code == 403
        assert client.get("/reports/annual.docx").status_code == 403
    client.logout()
    assert client.get("/reports/annual/").status_code == 302


def test_bad_input_is_a_form_error(client, world):
    stranger = World.build(prefix="x")
    client.force_login(world.staff)
    for query in (
        "year=abc",
        "year=2101",
        "session=abc",
        f"session={stranger.session.pk}",
        f"committee={stranger.committee.pk}",
        "committee=99999999999999999999999",
    ):
        for url in ("/reports/annual/", "/reports/annual.docx"):
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query)
            assert 'class="error"' in response.content.decode(), (url, query)


def test_without_a_period_the_pages_open_on_the_latest_year_with_proposals(client, world):
    client.force_login(world.staff)
    html = client.get("/reports/annual/").content.decode()
    assert "2025年提案工作情况" in html  # nothing received yet: last year (clock: 2026)
    with time_machine.travel(datetime.datetime(2024, 5, 6, 10, tzinfo=datetime.UTC)):
        flows.submitted(world, title="两年前的提案")
    html = client.get("/reports/annual/").content.decode()
    assert "2024年提案工作情况" in html and 'value="2024"' in html
    assert 'value="2024"' in client.get("/reports/units/").content.decode()


def test_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    flows.closed(world)
    client.force_login(world.staff)
    url = f"/reports/annual/?session={world.session.pk}"
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        flows.closed(world, category="ecological")
        flows.assigned(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
