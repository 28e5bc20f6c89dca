"""The lists people work from: proposals, a unit's inbox, overdue items, key proposals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.workcalendar import Calendars, WorkCalendar
from members.capabilities import Capability, may
from proposals import queries, search, workflow
from proposals.choices import DeadlineKind, State
from proposals.deadlines import workdays_late
from proposals.filters import ProposalFilterSet
from proposals.models import Proposal
from proposals.queries import current_deadline
from proposals.views.common import humanize_filters, paginate, sorting
from proposals.views.filter_bar import filter_bar

# The proposal list's bar: search, then these; the other filters under 更多筛选.
LIST_BAR = ("state", "category", "session")
INBOX_BAR = ("status", "role")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Every proposal the user may see, filtered by the same filterset as the API."""
    base = queries.proposal_list(request.user)
    params = request.GET.copy()
    for key in ("sort", "page"):
        params.pop(key, None)
    filterset = ProposalFilterSet(params or None, queryset=base)
    humanize_filters(filterset.form, request.user)
    valid = filterset.is_bound and filterset.is_valid()
    items = filterset.qs if valid else base
    text = filterset.form.cleaned_data.get("q", "") if valid else ""
    # With a search, the most relevant first unless another order is asked for.
    sort = request.GET.get("sort") or ("relevance" if search.ranked(text) else "new")
    if sort == "relevance" and search.ranked(text):
        items = search.with_headlines(items.order_by("-search_rank", "-id"), text)
    else:
        items = items.order_by(*queries.PROPOSAL_SORTS.get(sort, queries.PROPOSAL_SORTS["new"]))
    page = paginate(request, items)
    for p in page.object_list:
        p.headline = search.headline_html(getattr(p, "search_headline", ""))
    queries.prepare_rows(page.object_list)
    counts = dict(
        Proposal.objects.visible_to(request.user)
        .values_list("state")
        .annotate(n=Count("*"))  # not COUNT(id): the (committee, state) index alone answers
        .values_list("state", "n")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/list.html",
        {
            "page": page,
            "filterset": filterset,
            "bar": filter_bar(filterset, params, LIST_BAR, user=request.user, path=request.path),
            "sort": sort,
            "sorts": [
                *([("relevance", _("相关度"))] if search.ranked(text) else []),
                ("new", _("最新")),
                ("old", _("最早")),
                ("number", _("案号")),
                ("submitted", _("提交时间")),
                ("title", _("案由")),
            ],
            "state_counts": [
                (v, label, counts.get(v, 0)) for v, label in State.choices if counts.get(v)
            ],
            "query": query.urlencode(),
        },
    )


@login_required
def assignment_inbox(request: HttpRequest) -> HttpResponse:
    """A unit's assignments, soonest due first, coloured by urgency."""
    today = timezone.localdate()
    params = request.GET.copy()
    sort = params.pop("sort", ["due"])[-1]
    params.pop("page", None)
    filterset, items = queries.inbox(request.user, params, sort)
    humanize_filters(filterset.form, request.user)
    page = paginate(request, items)
    calendars: dict[int, WorkCalendar] = {}
    rows = []
    for a in page.object_list:
        deadline = current_deadline(a)
        committee_id = a.proposal.committee_id
        if committee_id not in calendars:
            calendars[committee_id] = WorkCalendar.for_committee(committee_id)
        calendar = calendars[committee_id]
        rows.append(
            {
                "assignment": a,
                "deadline": deadline,
                "urgency": urgency(deadline, today, calendar),
                "reroute_days": reroute_days_left(a, today, calendar),
            }
        )
    page.object_list = rows
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/inbox.html",
        {
            "page": page,
            "filterset": filterset,
            "bar": filter_bar(filterset, params, INBOX_BAR, user=request.user, path=request.path),
            "sort": sort,
            "sorts": [("due", _("按截止日期")), ("new", _("按交办时间（最新）"))],
            "query": query.urlencode(),
        },
    )


def reroute_days_left(assignment, today, calendar) -> int | None:
    """Working days left to ask for re-routing (None when the window is closed)."""
    for d in assignment.deadlines.all():
        if d.kind == DeadlineKind.REROUTE_WINDOW and d.is_open and d.due_date >= today:
            return calendar.workdays_between(today, d.due_date)
    return None


def urgency(deadline, today, calendar) -> str:
    """overdue / soon (≤ 7 working days) / later — the inbox colours."""
    if deadline is None or not deadline.is_open:
        return "done"
    if deadline.due_date < today:
        return "overdue"
    return "soon" if calendar.workdays_between(today, deadline.due_date) <= 7 else "later"


@login_required
def overdue_board(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.SEE_OVERDUE_BOARD):
        raise PermissionDenied
    sort = sorting(
        request,
        {
            "due": (_("超期最久"), ("late_since", "id")),
            "unit": (_("承办单位"), ("unit__code", "late_since", "id")),
            "new": (_("最新交办"), ("-id",)),
        },
    )
    items = queries.overdue_assignments(request.user).order_by(*sort["order_by"])
    calendars = Calendars(timezone.localdate())
    rows = [
        {
            "assignment": a,
            "deadline": current_deadline(a),
            "urgency": "overdue",
            "days_late": workdays_late(calendars, a.proposal.committee_id, a.late_since),
            "may_urge": "urge" in workflow.allowed_assignment_actions(request.user, a),
        }
        for a in items[:1000]
    ]
    return render(request, "proposals/overdue.html", {"page": paginate(request, rows), **sort})


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    """The key proposals a supervisor follows (staff: all key proposals)."""
    items = queries.proposal_list(request.user).filter(is_key=True)
    if not may(request.user, Capability.SEE_ALL_KEY_PROPOSALS):
        items = items.filter(supervisors=request.user)
    sort = sorting(request, {"new": (_("最新"), ("-id",)), "number": (_("案号"), ("number", "id"))})
    page = paginate(request, items.order_by(*sort["order_by"]))
    queries.prepare_rows(page.object_list)
    return render(request, "proposals/supervision.html", {"page": page, **sort})
