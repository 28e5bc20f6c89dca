"""proposals.statistics: exact numbers on a small world, counted in a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.http import Http404

from committees.models import Committee
from proposals import statistics
from proposals.choices import ReviewDecision
from proposals.models import Proposal
from proposals.services import drafting, feedback, handling, review
from tests import flows
from tests.factories import CommitteeFactory, SessionFactory, World
from tests.helpers import queries_of

DAY = flows.DAY
LATER = DAY + datetime.timedelta(days=200)  # every reply deadline opened on DAY has passed


def replied_late(w: World, **kw) -> Proposal:
    """Lead unit only, replying (class C) long after its reply deadline."""
    p = flows.assigned(w, with_co=False, **kw)
    lead = flows.lead_assignment(p)
    handling.accept(w.lead_handler, lead, today=DAY)
    handling.reply(w.lead_handler, lead, classification="C", content="答复", today=LATER)
    return p


def rehandled(w: World, **kw) -> Proposal:
    """Round 1: C and dissatisfied; round 2: A and basically satisfied, closed."""
    p = flows.replied(w, classification="C", **kw)
    feedback.give_feedback(
        w.member.user,
        p,
        communication="basically_satisfied",
        result="dissatisfied",
        comment="未解决实际问题",
        today=DAY,
    )
    handling.reply(
        w.lead_handler, flows.lead_assignment(p), classification="A", content="再答复", today=DAY
    )
    feedback.give_feedback(
        w.member.user, p, communication="satisfied", result="basically_satisfied", today=DAY
    )
    return p


def collective_filed(w: World, **data) -> Proposal:
    content = {"title": "关于保护汾河湿地的提案", "suggestions": "建议……", **data}
    p = drafting.create_draft(w.collective, content, organization=w.organization, today=DAY)
    drafting.submit(w.collective, p, today=DAY)
    for stage in ("initial", "second", "joint"):
        review.review(w.staff, p, stage=stage, decision=ReviewDecision.PASS, opinion="同意")
    return review.file(w.staff, p)


@dataclass
class Small:
    w: World
    by_name: dict[str, Proposal]


def build_small(w: World) -> Small:
    """Eight received (six filed) proposals, one draft, with known replies and feedback."""
    p = {
        "closed": flows.closed(w, category="economic"),  # B, satisfied / satisfied
        "replied": flows.replied(w, classification="A", category="social"),
        "late": replied_late(w, category="social"),
        "rehandled": rehandled(w, category="cultural"),
        "declined": flows.confirmed(w, category="economic"),
        "submitted": flows.confirmed(w, category="political"),
        "collective": collective_filed(w, category="ecological"),
        "open": flows.assigned(w, with_co=False, category="economic"),
        "draft": flows.draft(w, category="social"),
    }
    review.review(
        w.staff, p["declined"], stage="initial", decision=ReviewDecision.DECLINE, opinion="不符"
    )
    # A co-signer's word does not decide: it is not counted.
    feedback.give_feedback(
        w.cosigner.user,
        p["replied"],
        communication="dissatisfied",
        result="dissatisfied",
        comment="不满意",
        today=DAY,
    )
    return Small(w, p)


@pytest.fixture
def small(world) -> Small:
    return build_small(world)


def by_value(rows) -> dict:
    return {row.value: row for row in rows}


def test_totals_breakdowns_and_shares(small):
    s = statistics.compute(Proposal.objects.all(), today=LATER)
    assert (s.received, s.filed, s.filing_rate) == (8, 6, 75.0)
    states = {r.value: r.count for r in s.by_state if r.count}
    assert states == {
        "closed": 2,
        "replied": 2,
        "declined": 1,
        "submitted": 1,
        "filed": 1,
        "assigned": 1,
    }
    assert "draft" not in {r.value for r in s.by_state}
    assert by_value(s.by_state)["closed"].share == 25.0
    cats = {r.value: (r.received, r.filed, r.filed_share) for r in s.by_category}
    assert cats == {
        "economic": (3, 2, 33.33),
        "political": (1, 0, 0.0),
        "cultural": (1, 1, 16.67),
        "social": (2, 2, 33.33),
        "ecological": (1, 1, 16.67),
    }
    sources = {r.value: (r.received, r.filed, r.filed_share) for r in s.by_source}
    assert sources == {"member": (7, 5, 83.33), "collective": (1, 1, 16.67)}
    assert by_value(s.by_source)["member"].label == "委员提案"
    # Submitted on DAY, after the 2025 plenary: all regular.
    assert {r.value: r.received for r in s.by_kind} == {"plenary": 0, "regular": 8}


def test_replies_on_time_and_classes_of_the_latest_round(small):
    s = statistics.compute(Proposal.objects.all(), today=LATER)
    # closed, replied, rehandled on time; the late one is not.
    assert (s.replies.replied, s.replies.on_time, s.replies.on_time_rate) == (4, 3, 75.0)
    classes = {c.value: (c.count, c.share) for c in s.replies.classes}
    # closed B, replied A, late C, rehandled A (its round-1 C no longer counts).
    assert classes == {"A": (2, 50.0), "B": (1, 25.0), "C": (1, 25.0)}
    assert by_value(s.replies.classes)["A"].label == "已解决或采纳"


def test_extended_deadline_makes_a_late_reply_on_time(world):
    p = flows.assigned(world, with_co=False)
    due = p.deadlines.get(kind="reply").due_date
    handling.extend(world.staff, p, due_date=datetime.date(2025, 9, 10), reason="调研", today=DAY)
    lead = flows.lead_assignment(p)
    handling.accept(world.lead_handler, lead, today=DAY)
    replied_on = datetime.date(2025, 8, 11)
    assert replied_on > due
    handling.reply(world.lead_handler, lead, classification="B", content="答复", today=replied_on)
    s = statistics.compute(Proposal.objects.all())
    assert (s.replies.replied, s.replies.on_time) == (1, 1)


def test_satisfaction_is_the_lead_proposers_latest_round(small):
    s = statistics.compute(Proposal.objects.all(), today=LATER)
    sat = s.satisfaction
    assert sat.responses == 2  # closed + rehandled (round 2); the co-signer's is not decisive
    assert {r.value: (r.count, r.share) for r in sat.communication} == {
        "satisfied": (2, 100.0),
        "basically_satisfied": (0, 0.0),
        "dissatisfied": (0, 0.0),
    }
    assert {r.value: (r.count, r.share) for r in sat.result} == {
        "satisfied": (1, 50.0),
        "basically_satisfied": (1, 50.0),
        "dissatisfied": (0, 0.0),
    }


def test_overdue_units_sectors_and_committees(small):
    w = small.w
    assert statistics.compute(Proposal.objects.all(), today=DAY).overdue == 0
    s = statistics.compute(Proposal.objects.all(), today=LATER)
    assert s.overdue == 1  # "open": its lead reply deadline passed, still open
    units = [(u.id, u.name, u.assigned, u.replied, u.overdue) for u in s.units]
    lead, co = w.units[0], w.units[1]
    assert units == [
        (lead.pk, lead.name, 5, 4, 1),  # closed, replied, late, rehandled, open
        (co.pk, co.name, 3, 3, 0),  # opinions on closed, replied, rehandled
    ]
    top = statistics.compute(Proposal.objects.all(), today=LATER, top_units=1)
    assert [u.id for u in top.units] == [lead.pk]
    sectors = [(g.id, g.name, g.received, g.filed, g.filing_rate) for g in s.sectors]
    assert sectors == [
        (w.sector.pk, "经济界", 7, 5, 71.43),
        (None, "未注明界别", 1, 1, 100.0),
    ]
    assert [(g.id, g.received, g.filed) for g in s.committees] == [(w.committee.pk, 8, 6)]


def test_empty_scope_has_no_rates(db):
    s = statistics.compute(Proposal.objects.none())
    assert (s.received, s.filed, s.filing_rate) == (0, 0, None)
    assert s.replies.on_time_rate is None and s.units == [] and s.committees == []
    assert {c.value for c in s.replies.classes} == {"A", "B", "C"}


def test_percent_rounds_half_up():
    assert statistics.percent(618, 743) == 83.18
    assert statistics.percent(178, 618) == 28.8
    assert statistics.percent(1, 8) == 12.5
    assert statistics.percent(1, 200) == 0.5
    assert statistics.percent(1, 0) is None


def count_queries(queryset) -> int:
    return queries_of(lambda: statistics.compute(queryset, today=LATER))


def test_queries_do_not_grow_with_data(world):
    build_small(world)
    few = count_queries(Proposal.objects.all())
    build_small(world)
    build_small(world)
    assert Proposal.objects.count() == 27
    assert count_queries(Proposal.objects.all()) == few <= 10  # one per breakdown


def test_scope_staff_see_counties_others_what_they_see(world):
    county = World.build(
        committee=CommitteeFactory(
            name="小店区政协", code="xd", level=Committee.Level.COUNTY, parent=world.committee
        ),
        prefix="xd",
    )
    stranger = World.build(prefix="x")
    mine = flows.filed(world)
    theirs = flows.filed(county)
    flows.filed(stranger)
    other = drafting.create_draft(
        world.other_member.user,
        {"title": "其他委员的提案", "suggestions": "建议", "category": "social"},
        today=DAY,
    )
    drafting.submit(world.other_member.user, other, today=DAY)

    def ids(user, committee=None) -> set[int]:
        return set(
            statistics.scoped_proposals(user, committee)
            .exclude(state="draft")
            .values_list("pk", flat=True)
        )

    assert ids(world.staff) == {mine.pk, theirs.pk, other.pk}
    assert ids(world.supervisor, county.committee.pk) == {theirs.pk}
    assert ids(county.staff) == {theirs.pk}
    assert ids(world.member.user) == {mine.pk}
    for user, committee in [
        (county.staff, world.committee.pk),
        (world.staff, stranger.committee.pk),
        (world.member.user, county.committee.pk),
        (world.staff, 10**9),
    ]:
        with pytest.raises(Http404):
            statistics.scoped_proposals(user, committee)


def test_a_late_first_round_stays_late_after_rehandling(world):
    """Each reply is held to the deadline it answered, not to the next round's."""
    p = replied_late(world)
    feedback.give_feedback(
        world.member.user,
        p,
        communication="satisfied",
        result="dissatisfied",
        comment="答复太迟",
        today=LATER,
    )
    handling.reply(
        world.lead_handler,
        flows.lead_assignment(p),
        classification="A",
        content="再答复",
        today=LATER,
    )
    assert p.deadlines.filter(kind="reply", due_date__gte=LATER).exists()  # round 2's
    s = statistics.compute(Proposal.objects.all(), today=LATER)
    assert (s.replies.replied, s.replies.on_time) == (1, 0)
    assert {c.value: c.count for c in s.replies.classes} == {"A": 1, "B": 0, "C": 0}


def test_rerouted_assignments_do_not_count(world):
    p = flows.filed(world)
    handling.assign(world.staff, p, lead_unit=world.units[2].pk, today=DAY)
    request = handling.request_reassignment(
        world.other_handler, p.assignments.get(), "不属于本单位职责", today=DAY
    )
    handling.decide_reassignment(
        world.staff, request, approve=True, new_unit=world.units[0].pk, today=DAY
    )
    s = statistics.compute(Proposal.objects.all(), today=DAY)
    assert [(u.id, u.assigned, u.replied, u.overdue) for u in s.units] == [
        (world.units[0].pk, 1, 0, 0)
    ]


def test_by_session_counts_received_and_filed_per_session(world):
    later = SessionFactory(
        committee=world.committee,
        term=14,
        meeting=3,
        plenary_start=datetime.date(2026, 1, 10),
        plenary_end=datetime.date(2026, 1, 14),
    )
    flows.filed(world)
    flows.submitted(world)
    moved = flows.filed(world)
    Proposal.objects.filter(pk=moved.pk).update(session=later)
    flows.draft(world)  # not received
    s = statistics.compute(Proposal.objects.all())
    assert [(g.id, g.name, g.received, g.filed, g.filing_rate) for g in s.by_session] == [
        (world.session.pk, "十四届二次会议", 2, 1, 50.0),
        (later.pk, "十四届三次会议", 1, 1, 100.0),
    ]
    # Several committees: each session is named with its committee (city first).
    county = World.build(
        committee=CommitteeFactory(
            name="小店区政协",
            short_name="小店区",
            code="xd",
            level=Committee.Level.COUNTY,
            parent=world.committee,
        ),
        prefix="xd",
    )
    flows.submitted(county)
    names = [g.name for g in statistics.compute(Proposal.objects.all()).by_session]
    assert names == [
        f"{world.committee.name} 十四届二次会议",
        f"{world.committee.name} 十四届三次会议",
        "小店区 十四届二次会议",
    ]


def test_committees_side_by_side_and_their_total(world):
    county = World.build(
        committee=CommitteeFactory(
            name="小店区政协", code="xd", level=Committee.Level.COUNTY, parent=world.committee
        ),
        prefix="xd",
    )
    empty = CommitteeFactory(
        name="迎泽区政协", code="yz", level=Committee.Level.COUNTY, parent=world.committee
    )
    build_small(world)
    flows.filed(county, category="social")
    flows.submitted(county, category="social")
    rows = statistics.compare_committees(Proposal.objects.all(), today=LATER)
    assert [(r.id, r.received, r.filed, r.filing_rate, r.overdue) for r in rows] == [
        (world.committee.pk, 8, 6, 75.0, 1),
        (county.committee.pk, 2, 1, 50.0, 0),
    ]
    city = statistics.compute(Proposal.objects.filter(committee=world.committee), today=LATER)
    assert (rows[0].replied, rows[0].on_time, rows[0].on_time_rate) == (4, 3, 75.0)
    assert rows[0].by_category == city.by_category
    total = statistics.total_figures(rows, "合计")
    everything = statistics.compute(Proposal.objects.all(), today=LATER)
    assert (total.id, total.name, total.received, total.filed, total.filing_rate) == (
        None,
        "合计",
        10,
        7,
        70.0,
    )
    assert total.by_category == everything.by_category
    assert total.overdue == everything.overdue and total.replied == everything.replies.replied
    assert total.on_time == everything.replies.on_time == 3
    # Given the committees' rows of the same proposals, compute sums them: same result.
    assert statistics.compute(Proposal.objects.all(), today=LATER, per_committee=rows) == everything
    # Asked for by name, every committee has a column, zeros where nothing was received.
    listed = statistics.compare_committees(
        Proposal.objects.all(), today=LATER, committees=[world.committee, empty, county.committee]
    )
    assert [(r.id, r.name, r.received, r.filing_rate) for r in listed] == [
        (world.committee.pk, world.committee.name, 8, 75.0),
        (empty.pk, "迎泽区政协", 0, None),
        (county.committee.pk, "小店区政协", 2, 50.0),
    ]
