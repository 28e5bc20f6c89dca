"""Unit scorecard: exact figures on a hand-built world, sorting, the Excel export,
who may see it, and a query count that does not grow with units or proposals."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from committees.models import CalendarOverride
from proposals.models import Proposal
from proposals.reports import scorecard as sc
from proposals.services import feedback, handling
from tests import flows
from tests.factories import UnitFactory, World
from tests.helpers import queries_of

DAY = flows.DAY  # 2025-03-10, a Monday
TODAY = datetime.date(2025, 12, 31)  # every reply deadline opened in March has passed
D = datetime.date


def accept_and_reply(w: World, p: Proposal, on: datetime.date, classification: str) -> None:
    lead = flows.lead_assignment(p)
    handling.accept(w.lead_handler, lead, today=on)
    handling.reply(w.lead_handler, lead, classification=classification, content="答复", today=on)


@dataclass
class Small:
    w: World
    across_may_day: Proposal
    late_then_rehandled: Proposal
    next_day: Proposal
    rerouted: Proposal


def build(w: World) -> Small:
    """unit 0 answers three proposals (one late, then re-handled), unit 1 co-handles one
    and takes over one re-routed from unit 2, which it leaves overdue."""
    # Assigned Mon 28 April, answered Wed 7 May: 4 working days across the May Day
    # holiday (1–5 May), 7 if the calendar were Monday–Friday.
    p1 = flows.assigned(w, with_co=False, on=D(2025, 4, 28))
    handling.accept(w.lead_handler, flows.lead_assignment(p1), today=D(2025, 4, 29))
    lead = flows.lead_assignment(p1)
    handling.reply(w.lead_handler, lead, classification="A", content="答复", today=D(2025, 5, 7))
    feedback.give_feedback(
        w.member.user, p1, communication="satisfied", result="satisfied", today=D(2025, 5, 7)
    )

    # With a co-unit; answered (C) long after the deadline; the proposer is dissatisfied;
    # round 2 answers B and the proposer closes it, unhappy with the communication.
    p2 = flows.assigned(w, with_co=True)
    co = flows.co_assignment(p2)
    handling.accept(w.co_handler, co, today=DAY)
    handling.give_opinion(w.co_handler, co, "同意", today=DAY)
    accept_and_reply(w, p2, D(2025, 10, 10), "C")
    feedback.give_feedback(
        w.member.user,
        p2,
        communication="satisfied",
        result="dissatisfied",
        comment="未解决",
        today=D(2025, 10, 10),
    )
    lead = flows.lead_assignment(p2)
    handling.reply(
        w.lead_handler, lead, classification="B", content="再答复", today=D(2025, 10, 13)
    )
    feedback.give_feedback(
        w.member.user,
        p2,
        communication="dissatisfied",
        result="basically_satisfied",
        today=D(2025, 10, 13),
    )

    # Answered (A) the next working day; no feedback yet.
    p4 = flows.assigned(w, with_co=False)
    accept_and_reply(w, p4, D(2025, 3, 11), "A")

    # Unit 2 asks to be relieved; unit 1 takes over, signs for it and never answers.
    p3 = flows.filed(w)
    handling.assign(w.staff, p3, lead_unit=w.units[2].pk, today=DAY)
    request = handling.request_reassignment(
        w.other_handler, p3.assignments.get(), "不属于本单位职责", today=DAY
    )
    handling.decide_reassignment(w.staff, request, approve=True, new_unit=w.units[1].pk, today=DAY)
    handling.accept(w.co_handler, p3.assignments.get(unit=w.units[1]), today=DAY)
    return Small(w, p1, p2, p4, p3)


@pytest.fixture
def small(world) -> Small:
    return build(world)


def row(score: sc.UnitScore) -> tuple:
    return (
        score.assigned,
        score.accepted,
        score.rerouted,
        score.replied,
        score.replied_on_time,
        score.on_time_rate,
        score.overdue,
        score.median_workdays,
        score.letters,
        {c.code: c.share for c in score.classes},
        score.feedback,
        score.communication_satisfied,
        score.result_satisfied,
        score.rehandled,
    )


NO_CLASSES = {"A": None, "B": None, "C": None}


def test_figures_per_unit(small):
    w = small.w
    scores = sc.unit_scorecard(w.staff, today=TODAY)
    assert [s.id for s in scores] == [u.pk for u in w.units]  # most assigned first
    unit0, unit1, unit2 = scores
    assert unit0.name == w.units[0].name and unit0.committee == w.committee.name
    # 3 assigned and answered; the late one (p2) is not on time; medians of 4, 1 and
    # the ~150 working days of p2: 4; latest-round letters A, A, B; feedback of p1
    # (satisfied/satisfied) and p2's round 2 (dissatisfied/basically satisfied).
    assert row(unit0) == (
        3, 3, 0, 3, 2, 66.67, 0, 4.0, 3,
        {"A": 66.67, "B": 33.33, "C": 0.0},
        2, 50.0, 100.0, 1,
    )  # fmt: skip
    # Co-unit of p2 (an opinion is not a reply) and lead of p3 after re-routing, overdue.
    assert row(unit1) == (2, 2, 0, 0, 0, None, 1, None, 0, NO_CLASSES, 0, None, None, 0)
    # Re-routed away before signing: counted as assigned and re-routed, nothing else.
    assert row(unit2) == (1, 0, 1, 0, 0, None, 0, None, 0, NO_CLASSES, 0, None, None, 0)
    assert [c.label for c in unit0.classes] == [
        "已解决或采纳",
        "正在解决或列入计划",
        "因条件限制留作参考",
    ]


def test_overdue_depends_on_today(small):
    before = sc.unit_scorecard(small.w.staff, today=DAY)
    assert [s.overdue for s in before] == [0, 0, 0]


def test_median_follows_the_committees_own_calendar(small):
    w = small.w
    CalendarOverride.objects.create(
        committee=w.committee, date=D(2025, 4, 29), kind=CalendarOverride.Kind.HOLIDAY
    )
    unit0 = sc.unit_scorecard(w.staff, today=TODAY)[0]
    assert unit0.median_workdays == 3.0  # 30 April, 6 and 7 May


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(db):
    day = D(2025, 3, 10)
    pairs = [
        (1, 9, day, D(2025, 3, 11)),  # 1
        (1, 9, day, D(2025, 3, 14)),  # 4
        (2, 9, day, day),  # 0: same day
    ]
    assert sc.median_workdays(pairs) == {1: 2.5, 2: 0.0}


def test_sorting_by_any_column_keeps_empty_values_last(small):
    w = small.w

    def order(key: str) -> list[int]:
        return [w.units.index(next(u for u in w.units if u.pk == s.id)) for s in
                sc.unit_scorecard(w.staff, today=TODAY, order=key)]  # fmt: skip

    assert order("-assigned") == [0, 1, 2]
    assert order("assigned") == [2, 1, 0]
    assert order("-rerouted") == [2, 0, 1]  # 1; then the two with 0 by unit code
    assert order("-overdue") == [1, 0, 2]
    assert order("median_workdays") == [0, 1, 2]
    assert order("-median_workdays") == [0, 1, 2]  # no median: last either way
    assert order("-class_A") == [0, 1, 2]
    assert order("name") == sorted(range(3), key=lambda i: w.units[i].name)
    for bad in ("bogus", "class_Z", "--assigned", "id"):
        with pytest.raises(ValueError):
            sc.unit_scorecard(w.staff, today=TODAY, order=bad)


def test_a_unit_sees_its_own_row_only_and_a_member_none(small):
    w = small.w
    assert [s.id for s in sc.unit_scorecard(w.lead_handler, today=TODAY)] == [w.units[0].pk]
    assert sc.unit_scorecard(w.member.user, today=TODAY) == []
    mine = sc.unit_scorecard(w.co_handler, today=TODAY)
    assert [(s.id, s.assigned, s.overdue) for s in mine] == [(w.units[1].pk, 2, 1)]


def test_period_filters_by_session(small):
    w = small.w
    assert len(sc.unit_scorecard(w.staff, session=w.session.pk, today=TODAY)) == 3
    other = type(w.session).objects.create(
        committee=w.committee,
        term=14,
        meeting=3,
        plenary_start=D(2026, 1, 10),
        plenary_end=D(2026, 1, 14),
    )
    assert sc.unit_scorecard(w.staff, session=other.pk, today=TODAY) == []


def count_queries(user) -> int:
    return queries_of(lambda: sc.unit_scorecard(user, today=TODAY))


def test_queries_do_not_grow_with_units_or_proposals(world):
    build(world)
    sc.unit_scorecard(world.staff, today=TODAY)  # reference data cached, as after any page
    few = count_queries(world.staff)
    build(world)
    for _ in range(4):
        unit = UnitFactory(committee=world.committee)
        p = flows.filed(world)
        handling.assign(world.staff, p, lead_unit=unit.pk, co_units=[world.units[1].pk], today=DAY)
    world.staff = type(world.staff).objects.get(pk=world.staff.pk)  # roles not cached
    assert len(sc.unit_scorecard(world.staff, today=TODAY)) == 7
    assert count_queries(world.staff) == few <= 9


# ---- pages and the Excel export ---------------------------------------------------------------


def page(client, user, url: str):
    client.force_login(user)
    return client.get(url)


def test_page_lists_units_with_sortable_headers(client, small):
    w = small.w
    response = page(client, w.staff, f"/reports/units/?session={w.session.pk}&sort=-overdue")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(w.units[1].name) < html.index(w.units[0].name) < html.index(w.units[2].name)
    assert 'aria-sort="descending"' in html and "sort=overdue" in html  # click again: ascending
    assert "66.67" in html and "答复用时中位数" in html
    assert f"/reports/units.xlsx?session={w.session.pk}" in html


def test_page_rejects_bad_input_with_form_errors(client, small, world):
    stranger = World.build(prefix="x")
    for query in (
        "year=abc",
        "year=1800",
        "session=99999999999999999999999",
        f"session={stranger.session.pk}",
        f"committee={stranger.committee.pk}",
        "sort=bogus",
    ):
        response = page(client, world.staff, f"/reports/units/?{query}")
        assert response.status_code == 400, query
        assert 'class="error"' in response.content.decode(), query
    response = page(client, world.staff, "/reports/units.xlsx?sort=bogus")
    assert response.status_code == 400


def test_who_may_see_the_scorecard(client, small):
    w = small.w
    for user in (w.staff, w.admin, w.supervisor):
        assert page(client, user, f"/reports/units/?session={w.session.pk}").status_code == 200
    html = page(client, w.lead_handler, f"/reports/units/?session={w.session.pk}").content.decode()
    assert w.units[0].name in html and w.units[1].name not in html
    for url in ("/reports/units/", "/reports/units.xlsx"):
        assert page(client, w.member.user, url).status_code == 403
        assert page(client, w.collective, url).status_code == 403
    client.logout()
    assert client.get("/reports/units/").status_code == 302


def test_excel_export_has_chinese_headers_numbers_and_a_frozen_header(client, small):
    w = small.w
    response = page(client, w.staff, f"/reports/units.xlsx?session={w.session.pk}&sort=name")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "承办单位", "交办", "其中主办/分办", "其中会办", "会办意见已提交", "签收", "调整出",
        "已答复", "按时答复", "按时答复率(%)", "超期未办",
        "答复用时中位数(工作日)", "A类占比(%)", "B类占比(%)", "C类占比(%)", "反馈件数",
        "沟通满意率(%)", "结果满意率(%)", "重新办理",
    )  # fmt: skip
    by_name = {r[0]: r for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == sorted(by_name)  # sort=name
    assert by_name[w.units[0].name] == (
        w.units[0].name, 3, 3, 0, 0, 3, 0, 3, 2, 66.67, 0, 4, 66.67, 33.33, 0, 2, 50, 100, 1,
    )  # fmt: skip
    assert by_name[w.units[2].name][1:7] == (1, 1, 0, 0, 0, 1)  # one lead assignment, re-routed
    assert by_name[w.units[2].name][9] is None  # no replies: empty, not 0
    unit0 = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == w.units[0].name)
    assert isinstance(unit0[1].value, int) and unit0[1].number_format == "0"
    assert isinstance(unit0[9].value, float) and unit0[9].number_format == "0.00"
    assert unit0[11].number_format == "0.0"
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width >= 20
    assert sheet["A1"].font.bold


def test_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    build(world)
    client.force_login(world.staff)
    url = f"/reports/units/?session={world.session.pk}"
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    build(world)
    for _ in range(3):
        unit = UnitFactory(committee=world.committee)
        handling.assign(world.staff, flows.filed(world), lead_unit=unit.pk, today=DAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('scope="row"') == 6
