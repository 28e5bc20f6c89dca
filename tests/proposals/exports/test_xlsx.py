"""Excel exports: the generic writer, and the proposal list and unit inbox as sheets that
hold exactly what the page lists for the same query string."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from proposals.exports.xlsx import DATE, DATETIME, INT, PERCENT, Column, write_xlsx
from proposals.models import Proposal
from proposals.services import drafting
from tests import flows
from tests.factories import World
from tests.proposals.exports.data import bulk_filed
from tests.proposals.exports.helpers import headers, records, sheet

pytestmark = pytest.mark.django_db

PROPOSAL_HEADERS = [
    "案号",
    "案由",
    "提案人",
    "联名人",
    "联名人数",
    "类型",
    "提案类型",
    "会次",
    "界别",
    "类别",
    "状态",
    "重点提案",
    "提交日期",
    "立案日期",
    "主办单位",
    "会办单位",
    "分办单位",
    "答复类别",
    "答复日期",
    "满意度",
    "办结日期",
]


# ---- the generic writer ---------------------------------------------------------------------


def test_writer_types_widths_header_and_filter():
    aware = timezone.make_aware(datetime.datetime(2025, 3, 10, 1, 30), datetime.UTC)
    columns = [
        Column("名称", lambda r: r["name"], width=30),
        Column("件数", lambda r: r["n"], type=INT, width=8),
        Column("日期", lambda r: r["day"], type=DATE),
        Column("时间", lambda r: r["at"], type=DATETIME, width=18),
        Column("比例", lambda r: r["share"], type=PERCENT),
    ]
    rows = [
        {"name": '=HYPERLINK("http://x")', "n": "7", "day": aware, "at": aware, "share": 0.256},
        {"name": "控制\x07字符", "n": 0, "day": None, "at": None, "share": None},
    ]
    out = io.BytesIO()
    assert (
        write_xlsx(columns, rows, out, title="一个非常非常非常非常非常非常非常非常长的工作表标题")
        == 2
    )
    ws = openpyxl.load_workbook(out).active
    assert headers(ws) == ["名称", "件数", "日期", "时间", "比例"]
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E3"
    assert ws.column_dimensions["A"].width == 30 and ws.column_dimensions["B"].width == 8
    name, n, day, at, share = ws[2]
    # Text that looks like a formula stays text; numbers are numbers; dates are dates in
    # China time (01:30 UTC is 09:30 in Shanghai), without a time zone (Excel has none).
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert n.value == 7 and n.data_type == "n" and n.number_format == "0"
    assert day.is_date and day.value == datetime.datetime(2025, 3, 10)
    assert day.number_format == "yyyy-mm-dd"
    assert at.is_date and at.value == datetime.datetime(2025, 3, 10, 9, 30)
    assert share.value == pytest.approx(0.256) and share.number_format == "0.0%"
    assert ws["A3"].value == "控制字符" and ws["C3"].value is None


def test_a_column_type_must_be_known():
    with pytest.raises(ValueError):
        Column("x", lambda r: r, type="money")


# ---- the proposal list ----------------------------------------------------------------------


@pytest.fixture
def scene(world: World):
    """Proposals in several states: closed (reply A, satisfied), assigned, submitted; and
    another member's submitted proposal (staff see it, the member does not)."""
    closed = flows.closed(world, classification="A", title="已办结的提案")
    assigned = flows.assigned(world, title="办理中的提案")
    submitted = flows.submitted(world, cosigners=False, title="刚提交的提案")
    other = drafting.create_draft(
        world.other_member.user,
        {"title": "别人的提案", "category": "social", "suggestions": "建议"},
        today=flows.DAY,
    )
    other = drafting.submit(world.other_member.user, other, today=flows.DAY)
    return {"closed": closed, "assigned": assigned, "submitted": submitted, "other": other}


def listed_count(client, path: str, query: str) -> int:
    return client.get(f"{path}?{query}").context["page"].paginator.count


@pytest.mark.parametrize(
    "query",
    ["", "state=assigned&state=closed", "category=economic&sort=number", "q=办结", "page=2"],
)
def test_sheet_rows_are_the_lists_rows(client, world, scene, query):
    client.force_login(world.staff)
    ws = sheet(client.get(f"/exports/proposals.xlsx?{query}"))
    assert headers(ws) == PROPOSAL_HEADERS
    assert ws.max_row - 1 == listed_count(client, "/proposals/", query)


def test_sheet_cells_have_the_values_and_types(client, world, scene):
    client.force_login(world.staff)
    ws = sheet(client.get("/exports/proposals.xlsx?sort=title"))
    rows = {r["案由"]: r for r in records(ws)}
    closed = rows["已办结的提案"]
    p = scene["closed"]
    assert closed["案号"] == p.number and closed["提案人"] == str(world.member.user)
    assert closed["联名人"] == world.cosigner.name and closed["联名人数"] == 1
    assert closed["类型"] == "委员" and closed["类别"] == "经济建设" and closed["界别"] == "经济界"
    assert closed["状态"] == "已办结" and closed["重点提案"] == "否"
    assert closed["主办单位"] == world.units[0].name and closed["会办单位"] == world.units[1].name
    assert closed["答复类别"] == "A" and closed["满意度"] == "满意"
    today = timezone.localdate()
    # Dates are real dates (openpyxl reads them back as datetimes at midnight).
    assert closed["提交日期"] == datetime.datetime.combine(today, datetime.time())
    assert closed["答复日期"] == datetime.datetime.combine(flows.DAY, datetime.time())
    submitted = rows["刚提交的提案"]
    assert submitted["案号"] is None and submitted["立案日期"] is None
    assert submitted["联名人数"] == 0 and submitted["主办单位"] is None
    # Sorted as the list sorts (by title), and widths as declared.
    assert [r["案由"] for r in records(ws)] == sorted(rows)
    assert ws.column_dimensions["B"].width == 46
    date_column = PROPOSAL_HEADERS.index("提交日期") + 1
    assert ws.cell(row=2, column=date_column).number_format == "yyyy-mm-dd"


def test_members_export_only_what_they_see(client, world, scene):
    client.force_login(world.member.user)
    titles = {r["案由"] for r in records(sheet(client.get("/exports/proposals.xlsx")))}
    assert titles == {"已办结的提案", "办理中的提案", "刚提交的提案"}
    client.force_login(world.other_member.user)
    titles = {r["案由"] for r in records(sheet(client.get("/exports/proposals.xlsx")))}
    assert titles == {"别人的提案"}


def test_staff_of_another_committee_export_nothing_of_ours(client, world, scene):
    elsewhere = World.build(prefix="外地")
    client.force_login(elsewhere.staff)
    assert sheet(client.get("/exports/proposals.xlsx")).max_row == 1  # the header only


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/exports/proposals.xlsx?session=abc", "会次"),
        ("/exports/proposals.xlsx?state=bogus", "状态"),
        ("/exports/proposals.xlsx?year=1200", "提交年份"),
        ("/exports/assignments.xlsx?unit=0", "承办单位"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(client, world, url, field):
    client.force_login(world.staff)
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "导出条件有误" in page and field in page
    assert response["Content-Type"].startswith("text/html")


def test_export_needs_a_login(client):
    response = client.get("/exports/proposals.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_query_count_does_not_grow_with_the_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.staff)
    bulk_filed(world, 3)
    with django_assert_max_num_queries(25) as few:
        assert sheet(client.get("/exports/proposals.xlsx")).max_row == 4
    bulk_filed(world, 40)
    flows.closed(world)  # replies, feedback and reviews too
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert sheet(client.get("/exports/proposals.xlsx")).max_row == 45
    assert Proposal.objects.count() == 44


# ---- the unit inbox -------------------------------------------------------------------------


def test_inbox_sheet_is_the_inbox(client, world):
    done = flows.replied(world, title="已答复")
    open_one = flows.assigned(world, title="待办理")
    client.force_login(world.lead_handler)
    ws = sheet(client.get("/exports/assignments.xlsx"))
    assert headers(ws)[:6] == ["案号", "案由", "提案人", "承办单位", "办理方式", "办理状态"]
    rows = records(ws)
    # Without filters, the open work only — as the inbox shows it.
    assert [r["案由"] for r in rows] == ["待办理"]
    assert len(rows) == listed_count(client, "/proposals/assignments/", "")
    row = rows[0]
    assert row["案号"] == open_one.number and row["承办单位"] == world.units[0].name
    assert row["办理方式"] == "主办" and row["交办日期"] == datetime.datetime(2025, 3, 10)
    due = open_one.deadlines.get(kind="reply", is_open=True).due_date
    assert row["截止日期"] == datetime.datetime.combine(due, datetime.time())
    assert isinstance(row["超期天数"], int) and row["超期天数"] > 0  # 2025 lies in the past
    query = "status=replied&sort=new"
    rows = records(sheet(client.get(f"/exports/assignments.xlsx?{query}")))
    assert [(r["案由"], r["答复类别"]) for r in rows] == [("已答复", "B")]
    assert len(rows) == listed_count(client, "/proposals/assignments/", query)
    assert done.number == rows[0]["案号"]


def test_a_unit_exports_only_its_own_assignments(client, world):
    flows.assigned(world, title="甲")
    client.force_login(world.other_handler)
    assert sheet(client.get("/exports/assignments.xlsx")).max_row == 1


# ---- the links on the pages -----------------------------------------------------------------


def test_list_pages_link_to_the_export_with_their_query(client, world, scene):
    client.force_login(world.staff)
    page = client.get("/proposals/?state=assigned&sort=number").content.decode()
    assert 'href="/exports/proposals.xlsx?state=assigned&amp;sort=number"' in page
    page = client.get(f"/proposals/?session={world.session.pk}").content.decode()
    assert f'href="/exports/sessions/{world.session.pk}/compilation/"' in page
    client.force_login(world.lead_handler)
    page = client.get("/proposals/assignments/?sort=new").content.decode()
    assert 'href="/exports/assignments.xlsx?sort=new"' in page
    client.force_login(world.member.user)
    page = client.get(f"/proposals/?session={world.session.pk}").content.decode()
    assert "/compilation/" not in page  # compilations are staff work
