"""/statistics/: who sees it, that its figures are ``statistics.compute``'s, that every
linked figure opens a list of exactly that many proposals, the committees side by side,
the filters, bad parameters, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from committees.models import Committee
from proposals import statistics
from proposals.models import Deadline, Proposal
from proposals.reports.dashboard import figures, tables, views
from proposals.reports.dashboard.scope import TOP_UNITS
from tests import flows
from tests.factories import CommitteeFactory, SessionFactory, World
from tests.helpers import page_queries
from tests.proposals.test_statistics import Small, build_small

URL = "/statistics/"
UNITS_URL = "/statistics/units/"
FIGURE = re.compile(r'<a class="figure" href="([^"]+)">(\d+)</a>')
LIST_TOTAL = re.compile(r"共 (\d+) 件")
MAX_QUERIES = 24


@pytest.fixture
def small(world) -> Small:
    return build_small(world)


@pytest.fixture
def county(world) -> World:
    committee = CommitteeFactory(
        name="小店区政协",
        short_name="小店区",
        code="xd",
        level=Committee.Level.COUNTY,
        parent=world.committee,
    )
    return World.build(committee=committee, prefix="xd")


def page(client, user, url: str = URL, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def figure_links(response) -> list[tuple[str, int]]:
    return [(unescape(href), int(n)) for href, n in FIGURE.findall(response.content.decode())]


def list_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(LIST_TOTAL.search(response.content.decode()).group(1))


def one_per_kind(links: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The first link of each combination of parameters (and every non-zero one of those
    with the largest figure), to follow fewer lists where the kind is what matters."""
    chosen: dict[tuple, tuple[str, int]] = {}
    for url, n in links:
        kind = tuple(sorted(parse_qs(urlsplit(url).query)))
        if kind not in chosen or n > chosen[kind][1]:
            chosen[kind] = (url, n)
    return list(chosen.values())


def assert_links_reproduce(client, links: list[tuple[str, int]]) -> None:
    """Each linked figure equals the number of proposals its list shows."""
    wrong = [(url, n, list_total(client, url)) for url, n in links]
    assert [w for w in wrong if w[1] != w[2]] == []


class Tables(HTMLParser):
    """The text of every cell of every table with an id: {id: [[cell, ...], ...]}."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = attrs["id"]
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.cell is not None and self.current:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response, key: str) -> dict[str, list[str]]:
    """A table's rows by their first cell (the header row under its first header)."""
    rows = Tables(response.content.decode()).tables[f"table-{key}"]
    return {row[0]: row[1:] for row in rows}


# ---- who may see it -------------------------------------------------------------------------


def test_staff_administrators_and_supervisors_only(client, world):
    for user in (world.member.user, world.collective, world.lead_handler):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(UNITS_URL).status_code == 403
    for user in (world.staff, world.admin, world.supervisor):
        page(client, user)
        page(client, user, UNITS_URL)
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---- the figures ----------------------------------------------------------------------------


def test_the_figures_are_statistics_compute(client, small):
    w = small.w
    response = page(client, w.staff)
    expected = statistics.compute(
        Proposal.objects.filter(committee=w.committee), top_units=TOP_UNITS + 1
    )
    assert response.context["stats"] == expected
    assert (expected.received, expected.filed, expected.overdue) == (8, 6, 1)
    headline = Tables(response.content.decode())
    assert not headline.tables.get("table-committees")  # one committee: nothing to compare
    html = response.content.decode()
    for text in ("收到提案", "75.0%"):
        assert text in html
    assert table(response, "category")["社会建设"] == ["2", "2", "33.33%"]
    assert table(response, "source")["集体提案"] == ["1", "1", "16.67%"]
    assert table(response, "sector")["未注明界别"] == ["1", "1", "100.0%"]
    assert table(response, "session")["十四届二次会议"] == ["8", "6", "75.0%"]
    assert table(response, "state")["已办结"] == ["2", "25.0%"]
    assert table(response, "replies")["按期答复"] == ["3", "75.0%"]
    assert table(response, "replies")["超期答复"] == ["1", "25.0%"]
    assert table(response, "classes")["A 已解决或采纳"] == ["2", "50.0%"]
    assert table(response, "satisfaction")["满意"] == ["2", "100.0%", "1", "50.0%"]
    lead, co = w.units[0], w.units[1]
    units = table(response, "units")
    assert units[lead.name] == ["5", "4", "1"] and units[co.name] == ["3", "3", "0"]


def test_every_figure_links_to_the_list_that_counts_the_same(client, small):
    response = page(client, small.w.staff)
    links = figure_links(response)
    params = {key for url, _n in links for key in parse_qs(urlsplit(url).query)}
    assert params == {
        "received",
        "filed",
        "forwarded",
        "state",
        "category",
        "source",
        "sector",
        "no_sector",
        "session",
        "unit",
        "unit_work",
        "reply",
        "reply_class",
        "satisfaction_communication",
        "satisfaction_result",
        "overdue",
    }
    assert len(links) > 50 and any(n > 1 for _url, n in links)
    assert_links_reproduce(client, links)
    # And again inside a year: the links carry it.
    this_year = small.by_name["closed"].submitted_at.year
    Proposal.objects.filter(pk=small.by_name["late"].pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(this_year - 1, 5, 6, 10))
    )
    response = page(client, small.w.staff, year=this_year)
    assert response.context["stats"].received == 7
    links = figure_links(response)
    assert all(f"year={this_year}" in url for url, _n in links)
    assert_links_reproduce(client, one_per_kind(links))


def test_supervisors_follow_the_figures_their_list_can_show(client, small):
    supervisor = small.w.supervisor
    response = page(client, supervisor)
    headline = response.context["headline"]
    assert headline["received"] is None and headline["filed"] is None
    assert headline["overdue"] and headline["replied"]
    links = figure_links(response)
    states = {parse_qs(urlsplit(url).query).get("state", [""])[0] for url, _n in links} - {""}
    assert states == {"filed", "assigned", "replied", "rehandling", "closed"}
    assert not any("category=" in url for url, _n in links)
    assert len(links) > 20
    assert_links_reproduce(client, links)
    assert "立案后的数字可点击" in response.content.decode()


def test_the_units_page_lists_every_unit_and_the_dashboard_the_busiest(client, small, monkeypatch):
    w = small.w
    for module in (figures, tables, views):  # each reads the limit it was given
        monkeypatch.setattr(module, "TOP_UNITS", 1)
    response = page(client, w.staff, year=timezone.localdate().year)
    assert list(table(response, "units"))[1:] == [w.units[0].name]
    assert 'href="/statistics/units/?year=' in response.content.decode()
    response = page(client, w.staff, UNITS_URL)
    rows = table(response, "units")
    assert rows[w.units[0].name] == ["5", "4", "1"] and rows[w.units[1].name] == ["3", "3", "0"]
    links = figure_links(response)
    assert len(links) == 6
    assert_links_reproduce(client, links)


def test_overdue_list_shows_unit_and_days(client, small, county):
    w = small.w
    late = flows.assigned(county, with_co=False, title="县区超期提案")
    response = page(client, w.staff)
    rows = response.context["overdue"]
    deadline = Deadline.objects.get(proposal=small.by_name["open"], kind="reply", is_open=True)
    today = timezone.localdate()
    assert [(r.deadline.pk, r.days) for r in rows] == [
        (deadline.pk, (today - deadline.due_date).days)
    ]
    overdue = Tables(response.content.decode()).tables["table-overdue"]
    assert overdue[1][0] == f"{w.units[0].name}（主办）"
    assert overdue[1][3] == str((today - deadline.due_date).days)
    # All committees: the county's overdue proposal is counted, never listed to the city.
    response = page(client, w.staff, committee="all")
    assert response.context["stats"].overdue == 2
    assert [r.deadline.pk for r in response.context["overdue"]] == [deadline.pk]
    assert late.title not in response.content.decode()


# ---- committees -----------------------------------------------------------------------------


def test_city_staff_see_the_counties_side_by_side_and_in_total(client, small, county):
    w = small.w
    flows.filed(county, category="social")
    flows.submitted(county, category="economic")
    response = page(client, w.staff)
    # The city's own figures by default: they link to its list.
    city = Proposal.objects.filter(committee=w.committee)
    assert response.context["stats"] == statistics.compute(city, top_units=TOP_UNITS + 1)
    assert response.context["stats"].received == 8
    received = f"/proposals/?committee={w.committee.pk}&received=true"
    assert response.context["headline"]["received"] == received
    side = table(response, "committees")
    assert side["指标"] == [w.committee.name, "小店区政协", "合计"]
    assert side["收到提案"] == ["8", "2", "10"]
    assert side["立案"] == ["6", "1", "7"]
    assert side["立案率"] == ["75.0%", "50.0%", "70.0%"]
    assert side["超期"] == ["1", "0", "1"]
    assert side["社会建设：立案"] == ["2", "1", "3"]
    assert side["经济建设：收到"] == ["3", "1", "4"]
    comparison = response.context["comparison"]["table"]
    for row in comparison.rows:
        assert row.cells[1].url is None and row.cells[2].url is None  # county, total
    city_links = [(c.url, c.value) for row in comparison.rows for c in row.cells[:1] if c.url]
    assert len(city_links) == 5 + 2 * 5  # counts, not rates; categories received/filed
    assert_links_reproduce(client, city_links)
    chart = json.loads(
        re.search(
            r'<script id="chart-committees" type="application/json">(.*?)</script>',
            response.content.decode(),
        ).group(1)
    )
    assert chart["categories"] == [w.committee.name, "小店区政协"]
    assert chart["series"][0]["values"] == [8, 2]

    # Everything together: the county's proposals are not the city's to list.
    response = page(client, w.staff, committee="all")
    assert (response.context["stats"].received, response.context["stats"].filed) == (10, 7)
    everything = statistics.compute(Proposal.objects.all(), top_units=TOP_UNITS + 1)
    assert response.context["stats"] == everything
    assert response.context["headline"]["received"] is None
    assert len(figure_links(response)) == len(city_links)  # the city's column only
    assert "只显示汇总数" in response.content.decode()
    # One county, chosen by the city.
    response = page(client, w.staff, committee=county.committee.pk)
    assert response.context["stats"].received == 2
    assert response.context["headline"]["filed"] is None

    # The county's staff: their own committee only, nothing to compare, no way out.
    for params in ({}, {"committee": w.committee.pk}, {"committee": "all"}):
        response = page(client, county.staff, **params)
        assert (response.context["stats"].received, response.context["stats"].filed) == (2, 1)
        assert response.context["comparison"] is None
        assert "committee" not in response.context["form"].fields
    assert_links_reproduce(client, one_per_kind(figure_links(response)))


def test_session_choices_name_the_committee_when_there_are_several(client, small, county):
    response = page(client, small.w.staff)
    labels = dict(response.context["form"].fields["session"].choices)
    assert labels[county.session.pk] == "小店区 十四届二次会议"
    assert page(client, county.staff).context["form"].fields["session"].choices[1:] == [
        (county.session.pk, "十四届二次会议")
    ]


# ---- filters and errors ---------------------------------------------------------------------


def test_year_and_session_filters(client, small):
    w = small.w
    closed = small.by_name["closed"]
    Proposal.objects.filter(pk=closed.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2021, 5, 6, 10))
    )
    later = SessionFactory(
        committee=w.committee,
        term=14,
        meeting=3,
        plenary_start=datetime.date(2026, 1, 10),
        plenary_end=datetime.date(2026, 1, 14),
    )
    response = page(client, w.staff, year=2021)  # not a session's year, still accepted
    assert (response.context["stats"].received, response.context["stats"].filed) == (1, 1)
    assert response.context["form"].cleaned_data["year"] == 2021
    assert_links_reproduce(client, figure_links(response))
    response = page(client, w.staff, session=w.session.pk)
    assert response.context["stats"].received == 8
    response = page(client, w.staff, session=later.pk, year=2021)
    stats = response.context["stats"]
    assert (stats.received, stats.by_session) == (0, [])
    links = figure_links(response)
    assert links and all(n == 0 for _url, n in links)
    assert all(f"session={later.pk}" in url for url, _n in links)
    assert_links_reproduce(client, links[:5])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "2023.5"}, "year"),
        ({"year": "1800"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"session": "x"}, "session"),
        ({"session": str(2**64)}, "session"),
        ({"session": "987654321"}, "session"),
        ({"committee": "abc"}, "committee"),
        ({"committee": "0"}, "committee"),
        ({"committee": "elsewhere"}, "committee"),
        ({"committee": "\x00"}, "committee"),
    ],
)
def test_bad_parameters_are_form_errors(client, world, county, params, field):
    stranger = World.build(prefix="x")
    if params.get("committee") == "elsewhere":
        params = {"committee": str(stranger.committee.pk)}
    for url in (URL, UNITS_URL):
        response = page(client, world.staff, url, **params)
        form = response.context["form"]
        assert list(form.errors) == [field]
        assert "stats" not in response.context and "rows" not in response.context
        assert "筛选条件有误" in response.content.decode()
        assert 'class="figure"' not in response.content.decode()


# ---- queries --------------------------------------------------------------------------------


def count_queries(client, url: str = URL, **params) -> int:
    return page_queries(client, url, params)


def test_query_count_is_bounded_and_does_not_grow(
    client, small, county, django_assert_max_num_queries
):
    flows.filed(county)
    client.force_login(small.w.staff)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL)
    before = [
        count_queries(client),
        count_queries(client, committee="all", year=timezone.localdate().year),
        count_queries(client, UNITS_URL),
    ]
    build_small(small.w)
    build_small(small.w)
    flows.closed(county)
    flows.assigned(county)
    assert Proposal.objects.count() == 30
    after = [
        count_queries(client),
        count_queries(client, committee="all", year=timezone.localdate().year),
        count_queries(client, UNITS_URL),
    ]
    assert after == before and max(after) <= MAX_QUERIES


# ---- charts ---------------------------------------------------------------------------------


def test_charts_are_drawn_from_the_tables_and_served_locally(client, small):
    response = page(client, small.w.staff)
    html = response.content.decode()
    for t, chart in response.context["sections"]:
        assert f'<div class="chart" data-chart="{t.chart_id}" hidden' in html  # no JS: hidden
        data = json.loads(
            re.search(
                rf'<script id="{t.chart_id}" type="application/json">(.*?)</script>', html
            ).group(1)
        )
        assert data == json.loads(json.dumps(chart))
        assert data["categories"] == [row.label for row in t.rows[t.chart_from_row :]]
    category = next(chart for t, chart in response.context["sections"] if t.key == "category")
    assert category["series"][0]["values"] == [3, 1, 1, 2, 1]
    assert category["series"][1]["values"] == [2, 0, 1, 2, 1]
    assert category["series"][0]["urls"][0] == "/proposals/?received=true&category=economic"
    static = Path(settings.BASE_DIR) / "static"
    for src in ("vendor/echarts/echarts.min.js", "js/dashboard.js"):
        assert f'src="/static/{src}"' in html
        assert (static / src).is_file()
    assert "Apache License" in (static / "vendor/echarts/LICENSE").read_text()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


# ---- the demo world -------------------------------------------------------------------------


def test_the_2023_figures_of_the_demo_world(client, db):
    """743 received, 618 filed, 83.18 %, 78 units; the districts beside the city."""
    from demo.world import build_world
    from members.models import User

    build_world(seed=2023, today=datetime.date(2024, 10, 15))
    staff = User.objects.get(username="staff")
    response = page(client, staff, year=2023)
    stats = response.context["stats"]
    assert (stats.received, stats.filed, stats.filing_rate) == (743, 618, 83.18)
    assert stats.replies.on_time_rate == 100.0
    side = table(response, "committees")
    assert side["指标"][0] == "太原市政协" and side["指标"][-1] == "合计"
    assert side["收到提案"][0] == "743"
    assert len(side["指标"]) == 4  # city, two districts, total
    links = figure_links(response)
    # Reply classes count letters (a separately handled proposal has several): the list
    # behind them counts proposals, so they are compared separately.
    letters = [(u, n) for u, n in links if "reply_class=" in u]
    assert letters and all(0 < list_total(client, u) <= n for u, n in letters if n)
    others = [(u, n) for u, n in links if "reply_class=" not in u]
    assert len(others) > 60
    assert_links_reproduce(client, one_per_kind(others))
    response = page(client, staff, UNITS_URL, year=2023)
    assert len(response.context["rows"]) == 78


# ---- the big screen -----------------------------------------------------------------------


def test_the_big_screen_shows_the_latest_years_figures_and_charts(
    client, small, django_assert_max_num_queries
):
    stats = statistics.compute(
        statistics.received_proposals(statistics.scoped_proposals(small.w.staff))
    )
    client.force_login(small.w.staff)
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get("/statistics/screen/").content.decode()
    assert '<meta http-equiv="refresh" content="300">' in html  # refreshes itself
    assert "2026 年" in html  # the fixed clock's year: the small world's proposals are this year's
    assert f"<dt>收到提案</dt><dd>{stats.received}</dd>" in html
    assert f"<dt>立案</dt><dd>{stats.filed}</dd>" in html
    for key in views.SCREEN_CHARTS:
        assert f'data-chart="chart-{key}"' in html, key
    assert client.get("/statistics/screen/?year=1990").status_code == 200  # an empty year
    client.force_login(small.w.member.user)
    assert client.get("/statistics/screen/").status_code == 403
