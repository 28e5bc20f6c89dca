"""Due dates through the service layer: computing, extending, re-routing, re-handling,
recomputing after rule and calendar changes, and the feedback window.

Dates are worked out by hand from the official holiday schedules (2025 National Day:
Oct 1–8 off, Sat Oct 11 a make-up workday; 2026 New Year: Jan 1–3 off) and from
Monday–Friday for 2027, which the holiday package does not know.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from committees import services as configuration
from committees.models import CalendarOverride, CommitteeEvent, RuleSet
from committees.rules import rules_for
from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from members.roles import Role
from proposals.choices import AssignmentStatus, DeadlineKind, State
from proposals.models import Deadline, Extension, ProposalEvent
from proposals.services import feedback, handling
from tests import flows
from tests.factories import CommitteeFactory, SessionFactory, UserFactory

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY_2025 = [D(2025, 10, day).isoformat() for day in range(1, 9)]
HOLIDAY = CalendarOverride.Kind.HOLIDAY
WORKDAY = CalendarOverride.Kind.WORKDAY
# A year's schedule as administrators would enter it (2027 is not in the package).
DAYS_2027 = [
    (D(2027, 1, 1), HOLIDAY, "元旦"),
    *[(D(2027, 2, day), HOLIDAY, "春节") for day in range(5, 12)],
    (D(2027, 2, 20), WORKDAY, "春节调休"),
]


def enter_2027(user, committee) -> None:
    """What an administrator does once the State Council publishes 2027's schedule:
    enter every day, then confirm the year is complete."""
    configuration.set_calendar_days(user, committee, DAYS_2027)
    configuration.set_calendar_year_complete(user, committee, 2027, complete=True)


def on(day: datetime.date):
    """Freeze ``timezone.localdate()`` on ``day`` for services that take no ``today``."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False
    )


def deadline(assignment, kind: str, **filters) -> Deadline:
    return assignment.deadlines.get(kind=kind, **filters)


def set_rules(world, **fields) -> RuleSet:
    rules = rules_for(world.committee.pk, None)
    for name, value in fields.items():
        setattr(rules, name, value)
    return configuration.save_rule_set(world.admin, rules, list(fields))


def replied_on(world, assigned_on: datetime.date, replied: datetime.date):
    """A proposal with one lead unit, answered on ``replied``."""
    with on(assigned_on):
        p = flows.assigned(world, with_co=False, on=assigned_on)
        lead = flows.lead_assignment(p)
        handling.accept(world.lead_handler, lead)
    with on(replied):
        handling.reply(world.lead_handler, lead, classification="B", content="答复内容")
    p.refresh_from_db()
    return p, lead


# ---- computing on assignment -----------------------------------------------------------------


def test_assignment_before_national_day_skips_the_holiday(world):
    p = flows.assigned(world, on=D(2025, 9, 29))
    lead, co = flows.lead_assignment(p), flows.co_assignment(p)

    window = deadline(lead, DeadlineKind.REROUTE_WINDOW)
    # Tue 30 (1); Oct 1–8 off; Thu 9 (2), Fri 10 (3), Sat 11 make-up (4); Sun 12; Mon 13 (5).
    assert window.due_date == D(2025, 10, 13)
    assert window.start_date == D(2025, 9, 29)
    assert window.rule == {
        "field": "reroute_window_workdays",
        "quantity": 5,
        "unit": "workdays",
        "rule_set": None,
        "version": 1,
    }
    assert window.computation == {
        "start": "2025-09-29",
        "skipped": [*NATIONAL_DAY_2025, "2025-10-12"],
        "fallback_years": [],
    }
    assert window.is_open and not window.extended
    assert window.warning == "" and not window.uses_fallback_calendar

    reply = deadline(lead, DeadlineKind.REPLY)
    assert reply.due_date == D(2025, 12, 29)  # a Monday
    assert reply.start_date == D(2025, 9, 29)
    assert reply.rule["field"] == "reply_months" and reply.rule["quantity"] == 3
    assert reply.rule["unit"] == "months"
    assert reply.computation == {"start": "2025-09-29", "skipped": [], "fallback_years": []}

    opinion = deadline(co, DeadlineKind.CO_OPINION)
    assert opinion.due_date == D(2025, 10, 29)
    assert deadline(co, DeadlineKind.REROUTE_WINDOW).due_date == D(2025, 10, 13)
    assert not co.deadlines.filter(kind=DeadlineKind.REPLY).exists()


def test_preview_matches_what_assignment_stores(world):
    p = flows.filed(world)
    rows = handling.preview_deadlines(
        p, world.units[0].pk, [world.units[1].pk], today=D(2025, 9, 29)
    )
    due = {(r["unit"], r["kind"]): r["due_date"] for r in rows}
    assert due == {
        (world.units[0].pk, DeadlineKind.REROUTE_WINDOW): D(2025, 10, 13),
        (world.units[0].pk, DeadlineKind.REPLY): D(2025, 12, 29),
        (world.units[1].pk, DeadlineKind.REROUTE_WINDOW): D(2025, 10, 13),
        (world.units[1].pk, DeadlineKind.CO_OPINION): D(2025, 10, 29),
    }
    assert not Deadline.objects.filter(proposal=p).exists()


def test_reply_due_in_unpublished_year_carries_the_fallback_warning(world):
    p = flows.assigned(world, with_co=False, on=D(2026, 12, 15))
    lead = flows.lead_assignment(p)
    reply = deadline(lead, DeadlineKind.REPLY)
    assert reply.due_date == D(2027, 3, 15)
    assert reply.uses_fallback_calendar
    assert reply.computation["fallback_years"] == [2027]
    assert reply.warning == "2027年节假日安排尚未公布，按周一至周五工作日计算，请在公布后核对。"
    window = deadline(lead, DeadlineKind.REROUTE_WINDOW)
    assert window.due_date == D(2026, 12, 22)
    assert window.warning == ""


# ---- calendar changes ------------------------------------------------------------------------


def test_entering_the_year_clears_the_warning_and_logs_it(world):
    p = flows.assigned(world, with_co=False, on=D(2026, 12, 15))
    reply = deadline(flows.lead_assignment(p), DeadlineKind.REPLY)

    enter_2027(world.admin, world.committee)

    reply.refresh_from_db()
    assert reply.due_date == D(2027, 3, 15)
    assert reply.warning == "" and not reply.uses_fallback_calendar
    assert reply.computation["fallback_years"] == []
    event = ProposalEvent.objects.get(proposal=p, action="deadline_recomputed")
    assert event.actor == world.admin
    assert event.data["deadline"] == reply.pk
    assert event.data["from"] == event.data["to"] == "2027-03-15"
    assert event.from_state == event.to_state == State.ASSIGNED
    actions = set(
        CommitteeEvent.objects.filter(committee=world.committee).values_list("action", flat=True)
    )
    assert {"calendar_changed", "deadlines_recomputed"} <= actions
    assert CalendarOverride.objects.filter(committee=world.committee).count() == len(DAYS_2027)


def test_entering_a_holiday_moves_an_open_due_date(world):
    # Mon 2026-12-28: Tue 29, Wed 30, Thu 31, Fri Jan 1 (Monday–Friday guess), Mon Jan 4.
    p = flows.assigned(world, with_co=False, on=D(2026, 12, 28))
    window = deadline(flows.lead_assignment(p), DeadlineKind.REROUTE_WINDOW)
    reply = deadline(flows.lead_assignment(p), DeadlineKind.REPLY)
    assert window.due_date == D(2027, 1, 4)
    assert window.uses_fallback_calendar
    assert reply.due_date == D(2027, 3, 29)  # Sun Mar 28 rolled to Monday

    enter_2027(world.admin, world.committee)

    window.refresh_from_db()
    assert window.due_date == D(2027, 1, 5)  # New Year's Day is off
    assert window.computation["skipped"] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    assert window.warning == ""
    # Entering the days moves it; confirming the year then clears the warning.
    moved, cleared = ProposalEvent.objects.filter(
        proposal=p, action="deadline_recomputed", data__deadline=window.pk
    ).order_by("id")
    assert cleared.data["from"] == cleared.data["to"] == "2027-01-05"
    assert (moved.data["from"], moved.data["to"]) == ("2027-01-04", "2027-01-05")
    assert "2027-01-05" in moved.message
    summary = (
        CommitteeEvent.objects.filter(committee=world.committee, action="deadlines_recomputed")
        .order_by("id")
        .first()
    )
    assert summary.data["moved"] == [window.pk]

    # Taking the confirmation back and deleting the entries brings the Monday–Friday
    # guess (and its warning) back.
    configuration.set_calendar_year_complete(world.admin, world.committee, 2027, complete=False)
    configuration.delete_calendar_days(
        world.admin, world.committee, [day for day, _kind, _name in DAYS_2027]
    )
    window.refresh_from_db()
    assert window.due_date == D(2027, 1, 4)
    assert window.uses_fallback_calendar


def test_global_calendar_entry_needs_a_superuser_and_reaches_every_committee(world):
    p = flows.assigned(world, with_co=False, on=D(2026, 12, 28))
    window = deadline(flows.lead_assignment(p), DeadlineKind.REROUTE_WINDOW)
    with pytest.raises(NotPermitted):
        configuration.set_calendar_days(world.admin, None, DAYS_2027)
    outsider = UserFactory(committee=CommitteeFactory(), roles=[Role.ADMIN])
    with pytest.raises(NotPermitted):
        configuration.set_calendar_days(outsider, world.committee, DAYS_2027)
    with pytest.raises(NotPermitted):
        configuration.set_calendar_days(world.staff, world.committee, DAYS_2027)
    with pytest.raises(DomainError) as bad_kind:
        configuration.set_calendar_days(world.admin, world.committee, [(D(2027, 1, 1), "x", "")])
    assert bad_kind.value.field == "kind"
    assert not CalendarOverride.objects.exists()

    root = UserFactory(committee=world.committee, is_superuser=True)
    enter_2027(root, None)

    window.refresh_from_db()
    assert window.due_date == D(2027, 1, 5)
    assert ProposalEvent.objects.filter(proposal=p, action="deadline_recomputed").exists()
    assert CalendarOverride.objects.filter(committee__isnull=True).count() == len(DAYS_2027)


def test_committee_override_wins_over_global_in_due_dates(world):
    root = UserFactory(committee=world.committee, is_superuser=True)
    enter_2027(root, None)
    # The committee works on New Year's Day 2027 (a local arrangement).
    configuration.set_calendar_days(world.admin, world.committee, [(D(2027, 1, 1), WORKDAY, "")])
    p = flows.assigned(world, with_co=False, on=D(2026, 12, 28))
    window = deadline(flows.lead_assignment(p), DeadlineKind.REROUTE_WINDOW)
    assert window.due_date == D(2027, 1, 4)
    assert not window.uses_fallback_calendar


def test_one_entered_holiday_does_not_make_a_year_known(world):
    """Only 1 January 2027 entered: a 5-working-day window from Thursday 4 February
    2027 runs into the (unentered) Spring Festival, so it keeps its warning until the
    year is confirmed complete."""
    configuration.set_calendar_days(world.admin, world.committee, [DAYS_2027[0]])
    p = flows.assigned(world, with_co=False, on=D(2027, 2, 4))
    window = deadline(flows.lead_assignment(p), DeadlineKind.REROUTE_WINDOW)
    assert window.due_date == D(2027, 2, 11)
    assert window.uses_fallback_calendar and "2027年节假日安排尚未公布" in window.warning

    enter_2027(world.admin, world.committee)
    window.refresh_from_db()
    assert window.due_date == D(2027, 2, 18)  # 5–11 February off: Fri 12, Mon 15 … Thu 18
    assert window.warning == ""


def test_only_administrators_confirm_a_year(world):
    with pytest.raises(NotPermitted):
        configuration.set_calendar_year_complete(world.staff, world.committee, 2027, True)
    with pytest.raises(DomainError):
        configuration.set_calendar_year_complete(world.admin, world.committee, 1999, True)


# ---- rule changes ----------------------------------------------------------------------------


def test_rule_change_recomputes_open_reply_deadlines_only(world):
    open_p = flows.assigned(world, with_co=False, on=D(2025, 9, 29))
    open_reply = deadline(flows.lead_assignment(open_p), DeadlineKind.REPLY)

    done_p, done_lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    done_reply = deadline(done_lead, DeadlineKind.REPLY)
    assert not done_reply.is_open

    extended_p = flows.assigned(world, with_co=False, on=D(2025, 9, 29))
    with on(D(2025, 10, 20)):
        handling.extend(world.staff, extended_p, due_date=D(2026, 2, 27), reason="需跨部门协调")
    extended = deadline(flows.lead_assignment(extended_p), DeadlineKind.REPLY)

    first = set_rules(world)
    assert first.pk and first.version == 1
    assert not ProposalEvent.objects.filter(action="deadline_recomputed").exists()

    rules = set_rules(world, reply_months=4)
    assert rules.pk == first.pk and rules.version == 2
    assert CommitteeEvent.objects.filter(
        committee=world.committee, action="rules_changed", data__version=2
    ).exists()

    open_reply.refresh_from_db()
    assert open_reply.due_date == D(2026, 1, 29)
    assert open_reply.rule["quantity"] == 4
    assert open_reply.rule["version"] == 2 and open_reply.rule["rule_set"] == rules.pk
    event = ProposalEvent.objects.get(proposal=open_p, action="deadline_recomputed")
    assert (event.data["from"], event.data["to"]) == ("2025-12-29", "2026-01-29")

    done_reply.refresh_from_db()
    extended.refresh_from_db()
    assert done_reply.due_date == D(2025, 12, 29)
    assert extended.due_date == D(2026, 2, 27) and extended.extended
    assert not ProposalEvent.objects.filter(
        proposal__in=[done_p, extended_p], action="deadline_recomputed"
    ).exists()
    # The other kinds did not change.
    window = deadline(flows.lead_assignment(open_p), DeadlineKind.REROUTE_WINDOW)
    assert window.due_date == D(2025, 10, 13)


def test_invalid_rule_set_is_refused(world):
    rules = rules_for(world.committee.pk, None)
    rules.reply_max_months = 2
    with pytest.raises(DomainError) as error:
        configuration.save_rule_set(world.admin, rules)
    assert error.value.field == "reply_max_months"
    with pytest.raises(NotPermitted):
        configuration.save_rule_set(world.staff, rules_for(world.committee.pk, None))
    assert not RuleSet.objects.exists()


def test_rule_set_for_another_committees_session_is_refused(world):
    foreign = SessionFactory(committee=CommitteeFactory())
    rules = RuleSet(committee=world.committee, session=foreign, reply_months=1)
    with pytest.raises(DomainError) as error:
        configuration.save_rule_set(world.admin, rules)
    assert error.value.field == "session"
    assert not RuleSet.objects.exists()


def test_session_rule_set_applies_to_that_sessions_proposals(world):
    configuration.save_rule_set(
        world.admin, RuleSet(committee=world.committee, session=world.session, reply_months=2)
    )
    configuration.save_rule_set(world.admin, RuleSet(committee=world.committee, reply_months=4))
    p = flows.assigned(world, with_co=False, on=D(2025, 9, 29))
    assert p.session_id == world.session.pk
    reply = deadline(flows.lead_assignment(p), DeadlineKind.REPLY)
    # The session's 2 months, not the default 4: Sat Nov 29 rolled to Monday Dec 1.
    assert reply.due_date == D(2025, 12, 1)
    assert reply.rule["quantity"] == 2


# ---- extension -------------------------------------------------------------------------------


def test_extension_is_capped_at_six_months_from_assignment(world):
    p = flows.assigned(world, with_co=False, on=D(2025, 3, 10))
    reply = deadline(flows.lead_assignment(p), DeadlineKind.REPLY)
    assert reply.due_date == D(2025, 6, 10)

    with on(D(2025, 6, 3)):
        with pytest.raises(DomainError) as beyond:
            handling.extend(world.staff, p, due_date=D(2025, 9, 11), reason="情况复杂")
        assert beyond.value.field == "due_date"
        assert "2025-09-10" in beyond.value.message
        with pytest.raises(DomainError) as earlier:
            handling.extend(world.staff, p, due_date=D(2025, 6, 9), reason="情况复杂")
        assert earlier.value.field == "due_date"
        with pytest.raises(DomainError) as no_reason:
            handling.extend(world.staff, p, due_date=D(2025, 9, 10), reason=" ")
        assert no_reason.value.field == "reason"
        assert not Extension.objects.exists()

        extended = handling.extend(world.staff, p, due_date=D(2025, 9, 10), reason="情况复杂")

    assert extended.pk == reply.pk
    reply.refresh_from_db()
    assert reply.due_date == D(2025, 9, 10) and reply.extended and reply.is_open
    ext = Extension.objects.get(deadline=reply)
    assert (ext.previous_due_date, ext.new_due_date) == (D(2025, 6, 10), D(2025, 9, 10))
    assert ext.granted_by == world.staff and ext.reason == "情况复杂"
    event = ProposalEvent.objects.get(proposal=p, action="extend")
    assert (event.data["from"], event.data["to"]) == ("2025-06-10", "2025-09-10")

    # Later extensions still count from the assignment: nothing beyond the cap.
    with on(D(2025, 9, 1)), pytest.raises(DomainError):
        handling.extend(world.staff, p, due_date=D(2025, 9, 12), reason="再延")


def test_extension_cap_is_a_working_day_like_any_month_deadline(world):
    # 2025-04-01 + 6 months is Oct 1, National Day: the cap moves to Thu Oct 9.
    p = flows.assigned(world, with_co=False, on=D(2025, 4, 1))
    with on(D(2025, 6, 20)):
        with pytest.raises(DomainError) as beyond:
            handling.extend(world.staff, p, due_date=D(2025, 10, 10), reason="情况复杂")
        assert "2025-10-09" in beyond.value.message
        reply = handling.extend(world.staff, p, due_date=D(2025, 10, 9), reason="情况复杂")
    assert reply.due_date == D(2025, 10, 9)


def test_extension_restarting_the_clock_measures_from_the_extension_day(world):
    set_rules(world, extension_restarts_clock=True)
    p = flows.assigned(world, with_co=False, on=D(2025, 3, 10))
    with on(D(2025, 6, 2)):
        with pytest.raises(DomainError):
            handling.extend(world.staff, p, due_date=D(2025, 12, 3), reason="情况复杂")
        reply = handling.extend(world.staff, p, due_date=D(2025, 12, 2), reason="情况复杂")
    assert reply.due_date == D(2025, 12, 2) and reply.extended


def test_extension_needs_an_open_reply_deadline(world):
    p, _lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    with on(D(2025, 11, 5)), pytest.raises(InvalidTransition):
        handling.extend(world.staff, p, due_date=D(2026, 1, 5), reason="x")


# ---- re-routing ------------------------------------------------------------------------------


def _reroute(world, decided_on: datetime.date):
    p = flows.assigned(world, with_co=False, on=D(2025, 9, 29))
    old = flows.lead_assignment(p)
    with on(D(2025, 10, 9)):
        request = handling.request_reassignment(world.lead_handler, old, "不属于本单位职责")
    assert not deadline(old, DeadlineKind.REROUTE_WINDOW).is_open
    with on(decided_on):
        handling.decide_reassignment(world.staff, request, approve=True, new_unit=world.units[2].pk)
    new = p.assignments.get(unit=world.units[2])
    old.refresh_from_db()
    assert old.status == AssignmentStatus.REROUTED
    assert not old.deadlines.filter(is_open=True).exists()
    assert new.replaces_id == old.pk
    return p, new


def test_reroute_restarting_the_clock_counts_from_approval(world):
    assert rules_for(world.committee.pk).reroute_restarts_clock
    _p, new = _reroute(world, D(2025, 10, 10))
    reply = deadline(new, DeadlineKind.REPLY)
    assert reply.start_date == D(2025, 10, 10)
    # Jan 10 2026 is a Saturday: rolled to Monday Jan 12.
    assert reply.due_date == D(2026, 1, 12)
    assert reply.computation["skipped"] == ["2026-01-10", "2026-01-11"]
    window = deadline(new, DeadlineKind.REROUTE_WINDOW)
    # Sat Oct 11 make-up (1), Mon 13 (2), 14 (3), 15 (4), Thu 16 (5).
    assert (window.start_date, window.due_date) == (D(2025, 10, 10), D(2025, 10, 16))


def test_reroute_keeping_the_clock_counts_from_the_original_assignment(world):
    set_rules(world, reroute_restarts_clock=False)
    _p, new = _reroute(world, D(2025, 10, 10))
    reply = deadline(new, DeadlineKind.REPLY)
    assert reply.start_date == D(2025, 9, 29)
    assert reply.due_date == D(2025, 12, 29)
    # The new unit still gets its own window to say "not ours".
    assert deadline(new, DeadlineKind.REROUTE_WINDOW).due_date == D(2025, 10, 16)


def test_reassignment_request_after_the_window_is_refused(world):
    p = flows.assigned(world, with_co=False, on=D(2025, 9, 29))
    lead = flows.lead_assignment(p)
    with on(D(2025, 10, 14)), pytest.raises(InvalidTransition):
        handling.request_reassignment(world.lead_handler, lead, "不属于本单位职责")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ASSIGNED
    # The last day of the window (Mon Oct 13) is still inside it.
    with on(D(2025, 10, 13)):
        handling.request_reassignment(world.lead_handler, lead, "不属于本单位职责")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.REROUTE_REQUESTED


# ---- re-handling -----------------------------------------------------------------------------


def _dissatisfied(world, p, day: datetime.date) -> None:
    with on(day):
        feedback.give_feedback(
            world.member.user, p, communication="satisfied", result="dissatisfied", comment="未落实"
        )
    p.refresh_from_db()
    assert p.state == State.REHANDLING


def test_rehandling_restarting_the_clock_counts_from_the_feedback_day(world):
    p, lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    _dissatisfied(world, p, D(2025, 11, 10))
    again = deadline(lead, DeadlineKind.REPLY, is_open=True)
    assert again.start_date == D(2025, 11, 10)
    assert again.due_date == D(2025, 12, 10)
    assert again.rule["field"] == "rehandling_months"
    assert not p.deadlines.filter(kind=DeadlineKind.FEEDBACK, is_open=True).exists()


def test_rehandling_keeping_the_clock_counts_from_the_original_reply_due_date(world):
    set_rules(world, rehandling_restarts_clock=False)
    p, lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    _dissatisfied(world, p, D(2025, 11, 10))
    again = deadline(lead, DeadlineKind.REPLY, is_open=True)
    assert again.start_date == D(2025, 12, 29)
    assert again.due_date == D(2026, 1, 29)


def test_rule_change_recomputes_an_open_rehandling_deadline(world):
    p, lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    _dissatisfied(world, p, D(2025, 11, 10))
    set_rules(world, rehandling_months=2)
    again = deadline(lead, DeadlineKind.REPLY, is_open=True)
    assert again.due_date == D(2026, 1, 12)  # Sat Jan 10 2026 rolled to Monday
    assert again.rule["field"] == "rehandling_months" and again.rule["quantity"] == 2


# ---- feedback window -------------------------------------------------------------------------


def test_reply_opens_the_feedback_window(world):
    p, _lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    assert p.state == State.REPLIED
    window = p.deadlines.get(kind=DeadlineKind.FEEDBACK)
    assert (window.start_date, window.due_date) == (D(2025, 11, 3), D(2025, 12, 3))
    assert window.is_open and window.assignment_id is None


def test_expired_feedback_window_closes_the_proposal(world):
    p, _lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    waiting, _other = replied_on(world, D(2025, 9, 29), D(2025, 11, 20))

    assert feedback.close_expired_feedback_windows(today=D(2025, 12, 3)) == []
    with pytest.raises(InvalidTransition):
        feedback.close(world.staff, p, today=D(2025, 12, 3))
    p.refresh_from_db()
    assert p.state == State.REPLIED

    assert feedback.close_expired_feedback_windows(today=D(2025, 12, 4)) == [p.pk]
    p.refresh_from_db()
    assert p.state == State.CLOSED and p.closed_at is not None
    window = p.deadlines.get(kind=DeadlineKind.FEEDBACK)
    assert not window.is_open and window.met_at is not None
    event = ProposalEvent.objects.get(proposal=p, action="close")
    assert event.actor is None
    assert (event.from_state, event.to_state) == (State.REPLIED, State.CLOSED)
    waiting.refresh_from_db()
    assert waiting.state == State.REPLIED  # its window (to Dec 22) is still open

    # Running again does nothing more.
    assert feedback.close_expired_feedback_windows(today=D(2025, 12, 4)) == []
    assert ProposalEvent.objects.filter(proposal=p, action="close").count() == 1


def test_feedback_in_time_keeps_the_scheduler_away(world):
    p, _lead = replied_on(world, D(2025, 9, 29), D(2025, 11, 3))
    with on(D(2025, 11, 20)):
        feedback.give_feedback(world.member.user, p, communication="satisfied", result="satisfied")
    p.refresh_from_db()
    assert p.state == State.CLOSED
    assert feedback.close_expired_feedback_windows(today=D(2026, 1, 5)) == []
    assert ProposalEvent.objects.filter(proposal=p, action="close").count() == 0
