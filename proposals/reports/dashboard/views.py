"""The statistics dashboard's pages (统计分析) for staff, administrators and supervisors."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Session
from proposals import statistics
from proposals.reports.dashboard.figures import compute_dashboard, filtered
from proposals.reports.dashboard.scope import TOP_UNITS, DashboardForm, Scope, may_see_dashboard
from proposals.reports.dashboard.tables import Cell, Row, comparison_chart, comparison_table, tables
from proposals.statistics import ReplyStatus, UnitWork


def _form_and_scope(request: HttpRequest, today: datetime.date):
    if not may_see_dashboard(request.user):
        raise PermissionDenied
    scope = Scope.of(request.user)
    sessions = list(
        Session.objects.filter(committee__in=[c.pk for c in scope.committees])
        .select_related("committee")
        .order_by("committee__level", "committee__code", "-term", "-meeting")
    )
    form = DashboardForm(request.GET, scope=scope, sessions=sessions, today=today)
    return form, scope


def _start(request: HttpRequest) -> tuple[datetime.date, DashboardForm, Scope, dict]:
    """Today, the bound filter form, the viewer's scope and the context they start."""
    today = timezone.localdate()
    form, scope = _form_and_scope(request, today)
    return today, form, scope, {"form": form, "today": today}


def _figures(request: HttpRequest, form: DashboardForm, today: datetime.date, committees=None):
    """The figures of the form's committee and period (and of ``committees`` side by side)."""
    data = form.cleaned_data
    return compute_dashboard(
        request.user,
        committee=form.committee_id(),
        year=data.get("year"),
        session=data.get("session"),
        today=today,
        committees=committees,
    )


def _base_params(form: DashboardForm, committee: int | None) -> dict:
    data = form.cleaned_data
    return {"year": data.get("year"), "session": data.get("session"), "committee": committee}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today, form, scope, context = _start(request)
    if form.is_valid():
        committee = form.committee_id()
        several = len(scope.committees) > 1
        figures = _figures(request, form, today, scope.committees if several else None)
        base = _base_params(form, committee)
        ids = scope.ids_of(committee)
        links = scope.links(base, ids)
        units_query = urlencode({k: v for k, v in request.GET.items() if v})
        units_url = reverse("dashboard:units") + (f"?{units_query}" if units_query else "")
        sections = tables(
            figures.statistics,
            links,
            units_url=units_url,
            more_units=len(figures.statistics.units) > TOP_UNITS,
        )
        comparison = None
        if figures.committees:
            column_links = [
                scope.links({**base, "committee": c.id}, {c.id}) for c in figures.committees
            ]
            every = scope.statistics_ids
            column_links.append(scope.links({**base, "committee": None}, every))
            table = comparison_table(figures.committees, figures.total, column_links)
            comparison = {"table": table, "chart": comparison_chart(figures.committees)}
        stats = figures.statistics
        context |= {
            "stats": stats,
            "headline": {
                "received": links(received="true"),
                "filed": links(filed="true"),
                "forwarded": links(forwarded="true"),
                "replied": links(True, reply=ReplyStatus.REPLIED),
                "on_time": links(True, reply=ReplyStatus.ON_TIME),
                "overdue": links(True, overdue="true"),
            },
            "sections": [(t, t.chart_data()) for t in sections],
            "comparison": comparison,
            "overdue": figures.overdue,
            "overdue_more": stats.overdue > len(figures.overdue),
            "scope_label": _scope_label(scope, committee),
            "linked": links.full,
            "handling_linked": links.handling and not links.full,
        }
    return render(request, "reports/dashboard.html", context)


def _scope_label(scope: Scope, committee: int | None) -> str:
    if committee is not None:
        return next(c.name for c in scope.committees if c.pk == committee)
    if len(scope.committees) == 1:
        return scope.committees[0].name
    return _("全部（含所辖县区）")


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """Every handling unit's load in the chosen scope (the dashboard shows the busiest)."""
    today, form, scope, context = _start(request)
    if form.is_valid():
        committee = form.committee_id()
        data = form.cleaned_data
        proposals = filtered(
            statistics.scoped_proposals(request.user, committee),
            data.get("year"),
            data.get("session"),
        )
        loads = statistics.unit_loads(statistics.received_proposals(proposals), today=today)
        links = scope.links(_base_params(form, committee), scope.ids_of(committee))
        context |= {
            "rows": [
                Row(
                    u.name,
                    [
                        Cell(u.assigned, links(True, unit=u.id, unit_work=UnitWork.ASSIGNED)),
                        Cell(u.replied, links(True, unit=u.id, unit_work=UnitWork.DELIVERED)),
                        Cell(u.overdue, links(True, unit=u.id, unit_work=UnitWork.OVERDUE)),
                    ],
                )
                for u in loads
            ],
            "scope_label": _scope_label(scope, committee),
        }
    return render(request, "reports/dashboard_units.html", context)


# The big screen shows these tables' charts, in this order (the rest stay on the dashboard).
SCREEN_CHARTS = ("category", "source", "state", "units", "classes", "satisfaction")
SCREEN_REFRESH_SECONDS = 300


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    """数据大屏: the dashboard's figures and charts for a meeting-room display (1920×1080),
    refreshing itself; without a year or session, the latest year with proposals."""
    query = request.GET.copy()
    if not query.get("year") and not query.get("session"):
        probe, _scope = _form_and_scope(request, timezone.localdate())
        committee = probe.committee_id() if probe.is_valid() else None
        latest = statistics.latest_year(statistics.scoped_proposals(request.user, committee))
        if latest:
            query["year"] = str(latest)
    request.GET = query
    today, form, scope, context = _start(request)
    if form.is_valid():
        committee = form.committee_id()
        figures = _figures(request, form, today)
        links = scope.links(_base_params(form, committee), scope.ids_of(committee))
        by_key = {
            t.key: t for t in tables(figures.statistics, links, units_url="", more_units=False)
        }
        context |= {
            "stats": figures.statistics,
            "charts": [(by_key[k], by_key[k].chart_data()) for k in SCREEN_CHARTS if k in by_key],
            "scope_label": _scope_label(scope, committee),
            "period": form.cleaned_data.get("year") or "",
            "updated": timezone.localtime(),
            "refresh": SCREEN_REFRESH_SECONDS,
        }
    return render(request, "reports/screen.html", context)
