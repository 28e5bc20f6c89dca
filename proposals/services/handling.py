"""Assigning (交办), units' work on their assignments, and deadline extensions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import HandlingUnit
from committees.rules import reply_class_codes, rules_for
from committees.workcalendar import WorkCalendar
from members.models import User
from proposals import deadlines
from proposals.actors import feedback_givers
from proposals.choices import (
    AssignmentStatus,
    CommunicationKind,
    CommunicationMethod,
    DeadlineKind,
    RequestStatus,
    State,
    UnitRole,
)
from proposals.domain import events, groups
from proposals.models import (
    Assignment,
    Communication,
    Deadline,
    Extension,
    Proposal,
    ReassignmentRequest,
    Reply,
    UnitOpinion,
)
from proposals.notifications import committee_staff, notify, unit_contacts
from proposals.services.base import action, checked_upload, require
from proposals.services.drafting import _reload
from proposals.text import routing


def _units(committee_id: int, ids: Iterable[int], field: str) -> list[HandlingUnit]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    units = {
        u.pk: u
        for u in HandlingUnit.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True)
    }
    require(len(units) == len(ids), _("承办单位不存在或已停用。"), field)
    return [units[i] for i in ids]


def _unit_plan(
    committee_id: int,
    lead_unit: int | None,
    co_units: Iterable[int],
    separate_units: Iterable[int],
) -> list[tuple[HandlingUnit, str]]:
    lead = _units(committee_id, [lead_unit], "lead_unit") if lead_unit else []
    co = _units(committee_id, co_units, "co_units")
    separate = _units(committee_id, separate_units, "separate_units")
    require(lead or separate, _("请指定主办单位，或至少一个分办单位。"), "lead_unit")
    require(not (co and not lead), _("会办单位须配合主办单位。"), "co_units")
    plan = [(u, UnitRole.LEAD) for u in lead]
    plan += [(u, UnitRole.CO) for u in co] + [(u, UnitRole.SEPARATE) for u in separate]
    units = [u.pk for u, _role in plan]
    require(len(units) == len(set(units)), _("同一单位不能重复交办。"), "co_units")
    return plan


def _deadline_fields(role: str) -> list[str]:
    main = "co_opinion_months" if role == UnitRole.CO else "reply_months"
    return ["reroute_window_workdays", main]


def preview_deadlines(
    proposal: Proposal,
    lead_unit: int | None,
    co_units: Iterable[int] = (),
    separate_units: Iterable[int] = (),
    today: datetime.date | None = None,
) -> list[dict]:
    """The due dates an assignment would get, for showing before staff confirm."""
    today = today or timezone.localdate()
    plan = _unit_plan(proposal.committee_id, lead_unit, co_units, separate_units)
    rules = rules_for(proposal.committee_id, proposal.session_id)
    calendar = WorkCalendar.for_committee(proposal.committee_id)
    rows = []
    for unit, role in plan:
        for rule_field in _deadline_fields(role):
            computed = deadlines.compute(calendar, rules, rule_field, today)
            rows.append(
                {
                    "unit": unit.pk,
                    "unit_name": unit.name,
                    "role": role,
                    "kind": deadlines.RULE_FIELDS[rule_field][0],
                    "due_date": computed.due_date,
                    "fallback_years": computed.computation["fallback_years"],
                }
            )
    return rows


def _create_assignment(
    proposal: Proposal,
    unit: HandlingUnit,
    role: str,
    today: datetime.date,
    calendar: WorkCalendar,
    reply_start: datetime.date | None = None,
    replaces: Assignment | None = None,
) -> Assignment:
    assignment = Assignment.objects.create(
        proposal=proposal, unit=unit, role=role, assigned_on=today, replaces=replaces
    )
    window, main = _deadline_fields(role)
    deadlines.open_deadline(proposal, window, today, assignment, calendar)
    deadlines.open_deadline(proposal, main, reply_start or today, assignment, calendar)
    notify(
        unit_contacts(unit.pk),
        proposal,
        "assigned",
        _("交办提案《{t}》（{r}），请及时签收办理").format(
            t=proposal.title, r=UnitRole(role).label
        ),
    )
    return assignment


def assign(
    user: User,
    proposal: Proposal | int,
    *,
    lead_unit: int | None,
    co_units: Iterable[int] = (),
    separate_units: Iterable[int] = (),
    today: datetime.date | None = None,
) -> Proposal:
    """交办: one lead unit with co-handling units, or separate-handling units."""
    with action(user, "assign", proposal, today=today) as step:
        p = step.proposal
        plan = _unit_plan(p.committee_id, lead_unit, co_units, separate_units)
        calendar = WorkCalendar.for_committee(p.committee_id)
        for unit, role in plan:
            _create_assignment(p, unit, role, step.today, calendar)
        p.state = State.ASSIGNED
        p.handling_round = 1
        step.event = events.assigned((u.pk, u.name, r) for u, r in plan)
        routing.record_choice(p, plan[0][0].pk if plan else None)
    return _reload(proposal)


def accept(user: User, assignment: Assignment, today: datetime.date | None = None) -> Assignment:
    with action(user, "accept", assignment.proposal_id, assignment=assignment, today=today) as step:
        a = step.assignment
        a.status = AssignmentStatus.ACCEPTED
        a.accepted_at = timezone.now()
        a.save(update_fields=["status", "accepted_at"])
        deadlines.close_deadlines(a.deadlines.filter(kind=DeadlineKind.REROUTE_WINDOW))
        step.event = events.accepted(a.pk, a.unit.name)
    assignment.refresh_from_db()
    return assignment


def request_reassignment(
    user: User, assignment: Assignment, reason: str, today: datetime.date | None = None
) -> ReassignmentRequest:
    with action(
        user, "request_reassignment", assignment.proposal_id, assignment=assignment, today=today
    ) as step:
        reason = (reason or "").strip()
        require(reason, _("请说明申请调整的理由。"), "reason")
        a = step.assignment
        a.status = AssignmentStatus.REROUTE_REQUESTED
        a.save(update_fields=["status"])
        deadlines.close_deadlines(a.deadlines.filter(kind=DeadlineKind.REROUTE_WINDOW))
        request = ReassignmentRequest.objects.create(assignment=a, reason=reason, requested_by=user)
        step.event = events.reassignment_requested(a.pk, a.unit.name, request.pk, reason)
        notify(
            committee_staff(step.proposal.committee_id),
            step.proposal,
            "reassignment_requested",
            _("{u}申请调整提案《{t}》").format(u=a.unit, t=step.proposal.title),
        )
    return request


def decide_reassignment(
    user: User,
    request: ReassignmentRequest,
    *,
    approve: bool,
    new_unit: int | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> ReassignmentRequest:
    """Staff approve (and re-assign to ``new_unit``) or reject a unit's re-routing request."""
    assignment = request.assignment
    with action(
        user, "decide_reassignment", assignment.proposal_id, assignment=assignment, today=today
    ) as step:
        a, p = step.assignment, step.proposal
        request = ReassignmentRequest.objects.select_for_update().get(pk=request.pk)
        require(request.status == RequestStatus.PENDING, _("该申请已处理。"))
        request.decided_by = user
        request.decided_at = timezone.now()
        request.decision_note = (note or "").strip()
        if approve:
            require(new_unit, _("同意调整时须指定新的承办单位。"), "unit")
            [unit] = _units(p.committee_id, [new_unit], "unit")
            taken = {x.unit_id for x in p.assignments.all() if x.is_active and x.pk != a.pk}
            require(
                unit.pk != a.unit_id and unit.pk not in taken, _("该单位已承办本提案。"), "unit"
            )
            rules = rules_for(p.committee_id, p.session_id)
            old_reply = a.deadlines.filter(
                kind__in=groups.values(groups.HANDLING_DEADLINES)
            ).first()
            reply_start = (
                step.today
                if rules.reroute_restarts_clock or old_reply is None
                else old_reply.start_date
            )
            a.status = AssignmentStatus.REROUTED
            a.save(update_fields=["status"])
            deadlines.close_deadlines(a.deadlines.all())
            calendar = WorkCalendar.for_committee(p.committee_id)
            new = _create_assignment(p, unit, a.role, step.today, calendar, reply_start, a)
            request.status = RequestStatus.APPROVED
            step.event = events.reassignment_approved(
                request.pk, a.pk, a.unit.name, new.pk, unit.name, a.role
            )
        else:
            request.status = RequestStatus.REJECTED
            a.status = (
                AssignmentStatus.ASSIGNED if a.accepted_at is None else AssignmentStatus.ACCEPTED
            )
            a.save(update_fields=["status"])
            step.event = events.reassignment_rejected(
                request.pk, a.pk, a.unit.name, request.decision_note
            )
        request.save()
        notify(
            unit_contacts(a.unit_id),
            p,
            "reassignment_decided",
            _("提案《{t}》的调整申请已{d}").format(
                t=p.title, d=_("同意") if approve else _("驳回")
            ),
        )
    return request


def communicate(
    user: User,
    assignment: Assignment,
    *,
    kind: str,
    method: str,
    date: datetime.date,
    content: str,
    today: datetime.date | None = None,
) -> Communication:
    with action(
        user, "communicate", assignment.proposal_id, assignment=assignment, today=today
    ) as step:
        require(kind in CommunicationKind.values, _("请选择沟通类型。"), "kind")
        require(method in CommunicationMethod.values, _("请选择沟通方式。"), "method")
        content = (content or "").strip()
        require(content, _("请填写沟通内容。"), "content")
        require(date <= step.today, _("沟通日期不能晚于今天。"), "date")
        record = Communication.objects.create(
            assignment=step.assignment,
            kind=kind,
            method=method,
            date=date,
            content=content,
            recorded_by=user,
        )
        a = step.assignment
        step.event = events.communicated(a.pk, a.unit.name, record.pk, kind, method)
    return record


def give_opinion(
    user: User, assignment: Assignment, content: str, today: datetime.date | None = None
) -> UnitOpinion:
    with action(
        user, "give_opinion", assignment.proposal_id, assignment=assignment, today=today
    ) as step:
        content = (content or "").strip()
        require(content, _("请填写会办意见。"), "content")
        a, p = step.assignment, step.proposal
        opinion = UnitOpinion.objects.create(
            assignment=a, round=p.handling_round, content=content, created_by=user
        )
        a.status = AssignmentStatus.OPINION_GIVEN
        a.save(update_fields=["status"])
        deadlines.close_deadlines(a.deadlines.all())
        step.event = events.opinion_given(a.pk, a.unit.name, opinion.pk)
        leads = [x.unit_id for x in p.assignments.all() if x.role == UnitRole.LEAD and x.is_active]
        notify(
            [uid for unit_id in leads for uid in unit_contacts(unit_id)],
            p,
            "co_opinion",
            _("会办单位{u}已就《{t}》提交会办意见").format(u=a.unit, t=p.title),
        )
    return opinion


def reply(
    user: User,
    assignment: Assignment,
    *,
    classification: str,
    content: str,
    signed_by: str = "",
    attachment=None,
    today: datetime.date | None = None,
) -> Reply:
    """答复. When every replying unit has answered this round, the proposal awaits feedback."""
    with action(user, "reply", assignment.proposal_id, assignment=assignment, today=today) as step:
        content = (content or "").strip()
        require(content, _("请填写答复内容。"), "content")
        a, p = step.assignment, step.proposal
        codes = reply_class_codes(rules_for(p.committee_id, p.session_id))
        require(
            classification in codes,
            _("请选择答复分类（{c}）。").format(c="/".join(codes)),
            "classification",
        )
        record = Reply(
            assignment=a,
            round=p.handling_round,
            classification=classification,
            content=content,
            signed_by=(signed_by or "").strip(),
            reply_date=step.today,
            created_by=user,
        )
        if attachment is not None:
            letter = checked_upload(attachment, "reply", "attachment")
            record.attachment_name = letter.name
            record.attachment_type = letter.content_type
            record.attachment.save(f"letter{letter.type.extensions[0]}", attachment, save=False)
        record.save()
        a.status = AssignmentStatus.REPLIED
        a.save(update_fields=["status"])
        deadlines.close_deadlines(a.deadlines.filter(kind=DeadlineKind.REPLY))
        step.event = events.replied(a.pk, a.unit.name, record.pk, classification)
        outstanding = [
            x
            for x in p.assignments.all()
            if x.role in groups.REPLYING_ROLES
            and x.is_active
            and x.status != AssignmentStatus.REPLIED
        ]
        if not outstanding:
            p.state = State.REPLIED
            p.replied_at = timezone.now()
            deadlines.open_deadline(p, "feedback_months", step.today)
            notify(
                list(feedback_givers(p)),
                p,
                "replied",
                _("提案《{t}》已答复，请对办理情况作出反馈").format(t=p.title),
            )
    return record


def extend(
    user: User,
    proposal: Proposal | int,
    *,
    due_date: datetime.date,
    reason: str,
    assignment: Assignment | int | None = None,
    today: datetime.date | None = None,
) -> Deadline:
    """延期: move an open reply deadline (the lead unit's unless ``assignment`` is given)."""
    with action(user, "extend", proposal, today=today) as step:
        reason = (reason or "").strip()
        require(reason, _("请填写延期理由。"), "reason")
        p = step.proposal
        open_replies = Deadline.objects.select_for_update().filter(
            proposal=p, kind=DeadlineKind.REPLY, is_open=True
        )
        if assignment is not None:
            assignment_id = assignment if isinstance(assignment, int) else assignment.pk
            deadline = open_replies.filter(assignment_id=assignment_id).first()
        else:
            deadline = (
                open_replies.filter(assignment__role=UnitRole.LEAD).first() or open_replies.first()
            )
        require(deadline, _("没有可延期的答复期限。"), "assignment")
        deadlines.validate_extension(deadline, due_date, step.today)
        Extension.objects.create(
            deadline=deadline,
            previous_due_date=deadline.due_date,
            new_due_date=due_date,
            reason=reason,
            granted_by=user,
        )
        step.event = events.extended(deadline.pk, deadline.due_date, due_date, reason)
        deadline.due_date = due_date
        deadline.extended = True
        deadline.save(update_fields=["due_date", "extended"])
        if deadline.assignment_id:
            notify(
                unit_contacts(deadline.assignment.unit_id),
                p,
                "extended",
                _("提案《{t}》答复期限延至 {d}").format(t=p.title, d=due_date),
            )
    return deadline
