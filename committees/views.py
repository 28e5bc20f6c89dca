"""Administrators' settings pages: the committee's rule sets and its holiday calendar.

Every change goes through ``committees.services`` (validated, logged,
open due dates recomputed); these views only turn forms into calls and errors back
into form errors. How many due dates moved is read from the ``deadlines_recomputed``
committee events the service wrote.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.forms import CalendarBulkForm, CalendarDayForm, RuleSetForm, parse_day
from committees.models import CalendarOverride, CommitteeEvent, RuleSet, Session
from committees.rules import rules_for
from committees.services import (
    delete_calendar_days,
    save_rule_set,
    set_calendar_days,
    set_calendar_year_complete,
)
from committees.workcalendar import WorkCalendar
from cppcc.errors import DomainError
from members.views import admin_required

# Copied from the default rule set when a session gets its own.
COPIED_FIELDS = [*RuleSetForm.Meta.fields]


def _last_event_id(committee_id: int) -> int:
    return (
        CommitteeEvent.objects.filter(committee_id=committee_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def _moved_since(committee_id: int, event_id: int) -> int:
    """Due dates the service moved after event ``event_id`` (from its own log entries)."""
    return sum(
        len((data or {}).get("moved", []))
        for data in CommitteeEvent.objects.filter(
            committee_id=committee_id, action="deadlines_recomputed", id__gt=event_id
        ).values_list("data", flat=True)
    )


# ---------------------------------------------------------------- rule sets


@admin_required
def rules_list(request: HttpRequest) -> HttpResponse:
    """The default rule set and every session, each with its own rule set or a link to add one."""
    committee_id = request.user.committee_id
    rule_sets = {r.session_id: r for r in RuleSet.objects.filter(committee_id=committee_id)}
    sessions = list(Session.objects.filter(committee_id=committee_id).order_by("-plenary_start"))
    return render(
        request,
        "committees/rules_list.html",
        {
            "default": rule_sets.get(None),
            "sessions": [(session, rule_sets.get(session.pk)) for session in sessions],
        },
    )


@require_http_methods(["GET", "POST"])
@admin_required
def rule_edit(request: HttpRequest, session_id: int | None = None) -> HttpResponse:
    """Edit (or create) the default rule set, or a session's own."""
    committee = request.user.committee
    session = None
    if session_id is not None:
        session = Session.objects.filter(pk=session_id, committee=committee).first()
        if session is None:
            raise Http404
    rules = RuleSet.objects.filter(committee=committee, session=session).first()
    creating = rules is None
    if rules is None:
        rules = RuleSet(committee=committee, session=session)
        if session is not None:
            # A session's own rules start from the committee's default ones.
            base = rules_for(committee.pk, None)
            for name in COPIED_FIELDS:
                setattr(rules, name, getattr(base, name))
    if request.method == "POST":
        form = RuleSetForm(request.POST, instance=rules)
        if form.is_valid():
            before = _last_event_id(committee.pk)
            try:
                saved = save_rule_set(request.user, form.instance, changed=form.changed_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                moved = _moved_since(committee.pk, before)
                messages.success(
                    request,
                    _("规则已保存为第 %(v)s 版；重新计算未完成期限，其中 %(n)s 项截止日期有调整。")
                    % {"v": saved.version, "n": moved},
                )
                return redirect("committees:rules")
    else:
        form = RuleSetForm(instance=rules)
    return render(
        request,
        "committees/rule_edit.html",
        {"form": form, "rules": rules, "session": session, "creating": creating},
    )


# ---------------------------------------------------------------- calendar


def _year(request: HttpRequest, today: datetime.date) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


@require_http_methods(["GET", "POST"])
@admin_required
def calendar(request: HttpRequest) -> HttpResponse:
    """List the year's overrides; add one day, add many (one per line), delete chosen days."""
    committee_id = request.user.committee_id
    today = timezone.localdate()
    year = _year(request, today)
    day_form = CalendarDayForm(prefix="day")
    bulk_form = CalendarBulkForm(prefix="bulk")
    delete_error = ""
    if request.method == "POST":
        committee = request.user.committee
        action = request.POST.get("action")
        before = _last_event_id(committee_id)
        try:
            if action == "add":
                day_form = CalendarDayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    data = day_form.cleaned_data
                    set_calendar_days(
                        request.user, committee, [(data["date"], data["kind"], data["name"])]
                    )
                    return _calendar_done(request, before, data["date"].year, 1, deleted=False)
            elif action == "bulk":
                bulk_form = CalendarBulkForm(request.POST, prefix="bulk")
                if bulk_form.is_valid():
                    days = bulk_form.days
                    set_calendar_days(request.user, committee, days)
                    return _calendar_done(request, before, days[0][0].year, len(days), False)
            elif action in ("complete", "incomplete"):
                marked = _year_of(request.POST.get("year", ""))
                if marked is None:
                    delete_error = _("年份无效。")
                else:
                    set_calendar_year_complete(
                        request.user, committee, marked, complete=action == "complete"
                    )
                    return _year_marked(request, before, marked, action == "complete")
            elif action == "delete":
                dates = [parse_day(text) for text in request.POST.getlist("dates")]
                if not dates or None in dates:
                    delete_error = _("请勾选要删除的日期。")
                else:
                    deleted = delete_calendar_days(request.user, committee, dates)
                    return _calendar_done(request, before, year, deleted, deleted=True)
            else:
                delete_error = _("无法识别的操作。")
        except DomainError as exc:
            form = bulk_form if action == "bulk" else day_form
            field = exc.field if exc.field in form.fields else None
            if action == "delete":
                delete_error = exc.message
            else:
                form.add_error(field, exc.message)
    return render(
        request,
        "committees/calendar.html",
        {
            **_calendar_context(committee_id, year, today),
            "day_form": day_form,
            "bulk_form": bulk_form,
            "delete_error": delete_error,
        },
    )


def _year_of(text: str) -> int | None:
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _year_marked(request: HttpRequest, before: int, year: int, complete: bool) -> HttpResponse:
    moved = _moved_since(request.user.committee_id, before)
    if complete:
        text = _(
            "已确认 %(y)s 年节假日安排全部录入；重新计算未完成期限，其中 %(n)s 项截止日期有调整。"
        )
    else:
        text = _(
            "已撤销 %(y)s 年的确认，该年期限恢复按周一至周五计算并提示；%(n)s 项截止日期有调整。"
        )
    messages.success(request, text % {"y": year, "n": moved})
    return redirect(f"{reverse('committees:calendar')}?year={year}")


def _calendar_done(
    request: HttpRequest, before: int, year: int, count: int, deleted: bool
) -> HttpResponse:
    moved = _moved_since(request.user.committee_id, before)
    if deleted:
        text = _("已删除 %(count)s 天；重新计算未完成期限，其中 %(n)s 项截止日期有调整。")
    else:
        text = _("已保存 %(count)s 天；重新计算未完成期限，其中 %(n)s 项截止日期有调整。")
    messages.success(request, text % {"count": count, "n": moved})
    return redirect(f"{reverse('committees:calendar')}?year={year}")


def _calendar_context(committee_id: int, year: int, today: datetime.date) -> dict[str, Any]:
    scope = Q(committee_id=committee_id) | Q(committee__isnull=True)
    rows = list(CalendarOverride.objects.filter(scope, date__year=year).order_by("date"))
    # The committee's calendar (package + overrides) says which years due dates can trust;
    # the package alone, which years the State Council schedule was published for.
    local = WorkCalendar.for_committee(committee_id)
    package = WorkCalendar()
    entered = local.entered_years
    years = sorted(
        entered | local.complete_years | {today.year - 1, today.year, today.year + 1, year}
    )
    next_year = today.year + 1
    return {
        "year": year,
        "rows": rows,
        "years": [
            {
                "year": y,
                "package": package.is_known_year(y),
                "entered": y in entered,
                "complete": y in local.complete_years,
                "known": local.is_known_year(y),
            }
            for y in years
        ],
        "next_year": next_year,
        "next_year_unknown": not local.is_known_year(next_year),
    }
