"""Browser pages for proposals. Views pick the queryset (``proposals.queries``), the
filterset (``proposals.filters``) and the form, then call one service function; the
buttons shown come from ``workflow.allowed_actions``, the same rules that enforce them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees.models import Committee, HandlingUnit, Organization, Sector, Session
from committees.scoping import restrict_to_committees, statistics_committee_ids
from committees.workcalendar import WorkCalendar
from cppcc import uploads
from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals import forms as f
from proposals import queries, workflow
from proposals.choices import DeadlineKind, RequestStatus, State, UnitRole
from proposals.filters import (
    ProposalFilterSet,
    ReminderFilterSet,
    overdue_deadlines,
)
from proposals.history import timeline
from proposals.models import Notification, Proposal, ReassignmentRequest, Reminder
from proposals.queries import current_deadline
from proposals.services import drafting, feedback, handling, review, supervision

PAGE_SIZE = 20


def sorting(request: HttpRequest, options: dict[str, tuple[str, tuple]]) -> dict:
    """The chosen sort of a list: ``options`` maps key → (label, order_by fields); the
    first is the default. Returns template context plus the ``order_by`` to apply."""
    key = request.GET.get("sort")
    if key not in options:
        key = next(iter(options))
    keep = [
        (k, v) for k, values in request.GET.lists() if k not in ("sort", "page") for v in values
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "sort": key,
        "sort_options": [(k, label) for k, (label, _fields) in options.items()],
        "order_by": options[key][1],
        "keep": keep,
        "query": query.urlencode(),
    }


def paginate(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


# ---- lists ----------------------------------------------------------------------------------


def humanize_filters(form, user) -> None:
    """Show id filters as choices of the user's committees (the filterset stays one)."""
    ids = statistics_committee_ids(user)
    committees = Committee.objects.all() if ids is None else Committee.objects.filter(pk__in=ids)
    sources = {
        "committee": committees,
        "session": restrict_to_committees(Session.objects.all(), user),
        "sector": restrict_to_committees(Sector.objects.all(), user),
        "organization": restrict_to_committees(Organization.objects.all(), user),
        "unit": restrict_to_committees(HandlingUnit.objects.all(), user),
    }
    for name, queryset in sources.items():
        if name in form.fields:
            choices = [("", "---------"), *((o.pk, str(o)) for o in queryset)]
            form.fields[name].widget = django_forms.Select(choices=choices)
    for name in ("state", "category", "status", "proposal_state"):
        if name in form.fields:
            form.fields[name].widget = django_forms.CheckboxSelectMultiple(
                choices=form.fields[name].choices
            )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Every proposal the user may see, filtered by the same filterset as the API."""
    base = queries.proposal_list(request.user)
    params = request.GET.copy()
    for key in ("sort", "page"):
        params.pop(key, None)
    filterset = ProposalFilterSet(params or None, queryset=base)
    humanize_filters(filterset.form, request.user)
    items = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    sort = request.GET.get("sort", "new")
    items = items.order_by(*queries.PROPOSAL_SORTS.get(sort, queries.PROPOSAL_SORTS["new"]))
    page = paginate(request, items)
    workflow.attach_rules(page.object_list)
    counts = dict(
        Proposal.objects.visible_to(request.user)
        .values_list("state")
        .annotate(n=Count("pk"))
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
            "sort": sort,
            "sorts": [
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
            "sort": sort,
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
    late = overdue_deadlines(assignment=OuterRef("pk")).order_by("due_date")
    sort = sorting(
        request,
        {
            "due": (_("超期最久"), ("late_since", "id")),
            "unit": (_("承办单位"), ("unit__code", "late_since", "id")),
            "new": (_("最新交办"), ("-id",)),
        },
    )
    items = (
        queries.assignment_list(request.user)
        .filter(Exists(late))
        .annotate(late_since=Subquery(late.values("due_date")[:1]))
        .order_by(*sort["order_by"])
    )
    rows = [
        {"assignment": a, "deadline": current_deadline(a), "urgency": "overdue"}
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
    workflow.attach_rules(page.object_list)
    return render(request, "proposals/supervision.html", {"page": page, **sort})


@login_required
def reassignment_requests(request: HttpRequest) -> HttpResponse:
    """The staff's queue of re-routing requests to decide."""
    if not may(request.user, Capability.DECIDE_REROUTING):
        raise PermissionDenied
    assignments = queries.assignment_list(request.user)
    items = ReassignmentRequest.objects.filter(
        assignment__in=assignments.values("pk")
    ).select_related("assignment__unit", "assignment__proposal", "requested_by")
    sort = sorting(
        request,
        {
            "pending": (_("待审批优先"), ("status", "-id")),
            "new": (_("最新"), ("-id",)),
            "old": (_("最早"), ("id",)),
        },
    )
    page = paginate(request, items.order_by(*sort["order_by"]))
    forms_by_id = {
        r.pk: f.DecisionForm(committee_id=r.assignment.proposal.committee_id, prefix=f"r{r.pk}")
        for r in page.object_list
        if r.status == RequestStatus.PENDING
    }
    return render(request, "proposals/requests.html", {"page": page, "forms": forms_by_id, **sort})


@login_required
@require_POST
def decide_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignments = queries.assignment_list(request.user)
    item = get_object_or_404(
        ReassignmentRequest.objects.filter(assignment__in=assignments.values("pk")), pk=pk
    )
    form = f.DecisionForm(
        request.POST, committee_id=item.assignment.proposal.committee_id, prefix=f"r{pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            handling.decide_reassignment(
                request.user,
                item,
                approve=data["decision"] == "approve",
                new_unit=data["unit"].pk if data["unit"] else None,
                note=data["note"],
            )
            messages.success(request, _("已处理调整申请。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请检查输入。"))
    return redirect("proposals:requests")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user).select_related("proposal")
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("proposals:notifications")
    sort = sorting(
        request,
        {
            "new": (_("最新"), ("-id",)),
            "unread": (_("未读优先"), (F("read_at").desc(nulls_first=True), "-id")),
            "old": (_("最早"), ("id",)),
        },
    )
    page = paginate(request, items.order_by(*sort["order_by"]))
    return render(request, "proposals/notifications.html", {"page": page, **sort})


# ---- reminders --------------------------------------------------------------------------------

CHANNEL_LABELS = {
    "in_app": gettext_lazy("站内"),
    "email": gettext_lazy("邮件"),
    "sms": gettext_lazy("短信"),
}
# The detail page shows a proposal's latest reminders; the reminder page has them all.
DETAIL_REMINDER_LIMIT = 100


def with_channels(reminders):
    """Attach ``channel_rows`` — (label, skipped for lack of an address) — to each reminder."""
    for r in reminders:
        r.channel_rows = [(CHANNEL_LABELS.get(c, c), c in r.skipped) for c in r.channels]
    return reminders


def is_staff(user) -> bool:
    return may(user, Capability.SEE_REMINDER_LOG)


def reminder_log(user, proposal: Proposal) -> dict | None:
    """A proposal's reminders for staff, by assignment then proposal-level (one query)."""
    if not is_staff(user):
        return None
    rows = list(
        Reminder.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("user", "assignment__unit")
        .order_by("-for_date", "-id")[: DETAIL_REMINDER_LIMIT + 1]
    )
    if not rows and not proposal.assignments.all():
        return None  # nothing has been due yet
    more = len(rows) > DETAIL_REMINDER_LIMIT
    rows = with_channels(rows[:DETAIL_REMINDER_LIMIT])
    by_assignment: dict[int | None, list[Reminder]] = {}
    for r in rows:
        by_assignment.setdefault(r.assignment_id, []).append(r)
    groups = []
    for a in proposal.assignments.all():
        if a.pk in by_assignment:
            groups.append({"assignment": a, "reminders": by_assignment.pop(a.pk)})
    for key, reminders in by_assignment.items():  # proposal-level, or an unlisted assignment
        if key is not None:
            groups.append({"assignment": reminders[0].assignment, "reminders": reminders})
    if None in by_assignment:
        groups.append({"assignment": None, "reminders": by_assignment[None]})
    return {"groups": groups, "more": more, "limit": DETAIL_REMINDER_LIMIT}


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """The reminder log of the staff's committees; failed deliveries stand out."""
    if not is_staff(request.user):
        raise PermissionDenied
    base = Reminder.objects.visible_to(request.user).select_related(
        "user", "proposal", "assignment__unit"
    )
    params = request.GET.copy()
    for key in ("sort", "page"):
        params.pop(key, None)
    filterset = ReminderFilterSet(params or None, queryset=base)
    humanize_filters(filterset.form, request.user)
    for name in ("proposal", "assignment"):  # set by links from a proposal, not typed
        filterset.form.fields[name].widget = django_forms.HiddenInput()
    items = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    sort = sorting(
        request,
        {
            "new": (_("最新"), ("-created_at", "-id")),
            "date": (_("提醒日期"), ("-for_date", "-id")),
            "failed": (_("失败优先"), ("status", "-created_at", "-id")),
        },
    )
    page = paginate(request, items.order_by(*sort["order_by"]))
    with_channels(page)
    return render(
        request, "proposals/reminders.html", {"page": page, "filterset": filterset, **sort}
    )


# ---- writing --------------------------------------------------------------------------------


def _form_data(form: f.ProposalForm) -> tuple[dict, list[int] | None]:
    data = {
        k: form.cleaned_data[k] for k in ("title", "category", "topic", "background", "suggestions")
    }
    cosigners = (
        [m.pk for m in form.cleaned_data["cosigners"]] if "cosigners" in form.fields else None
    )
    return data, cosigners


def _save_draft(user, proposal: Proposal, form: f.ProposalForm) -> None:
    """Save the form's content; the version it was loaded at guards against a second tab."""
    data, cosigners = _form_data(form)
    drafting.update_draft(
        user, proposal.pk, data, cosigners=cosigners, expected_version=form.cleaned_data["version"]
    )


def _apply_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.WRITE_PROPOSALS):
        raise PermissionDenied
    form = f.ProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, cosigners = _form_data(form)
        try:
            proposal = drafting.create_draft(request.user, data, cosigners=cosigners or [])
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("proposals:edit", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    if workflow.problem(request.user, "edit", proposal) is not None:
        return redirect(proposal)
    initial = {
        "title": proposal.title,
        "category": proposal.category,
        "topic": proposal.topic_id,
        "background": proposal.background,
        "suggestions": proposal.suggestions,
        "cosigners": [c.member_id for c in proposal.cosigners.all()],
        "version": proposal.version,
    }
    form = f.ProposalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_draft(request.user, proposal, form)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            if "submit" not in request.POST:
                messages.success(request, _("草稿已保存。"))
                return redirect("proposals:edit", pk=proposal.pk)
            try:
                drafting.submit(request.user, proposal.pk)
            except DomainError as exc:
                messages.error(request, exc.message)  # saved, but not ready to submit
                return redirect("proposals:edit", pk=proposal.pk)
            messages.success(request, _("提案已提交。"))
            return redirect(proposal)
    attachments = proposal.attachments.all()
    upload = {
        "accept": uploads.allowed_extensions("attachment"),
        "limit_mb": settings.UPLOAD_MAX_MB["attachment"],
    }
    return render(
        request,
        "proposals/form.html",
        {"form": form, "proposal": proposal, "attachments": attachments, "upload": upload},
    )


@login_required
@require_POST
def proposal_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the draft in the background; a stale version answers 409 with a message."""
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    form = f.ProposalForm(request.POST, user=request.user)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors}, status=400)
    try:
        _save_draft(request.user, proposal, form)
    except DomainError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=exc.status_code)
    proposal.refresh_from_db(fields=["version", "updated_at"])
    return JsonResponse(
        {
            "ok": True,
            "version": proposal.version,
            "saved_at": timezone.localtime(proposal.updated_at).strftime("%H:%M:%S"),
        }
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    try:
        drafting.add_attachment(request.user, proposal.pk, request.FILES.get("file"))
        messages.success(request, _("附件已上传。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("proposals:edit", pk=pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    try:
        drafting.remove_attachment(request.user, proposal.pk, attachment_id)
        messages.success(request, _("附件已删除。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("proposals:edit", pk=pk)


# ---- detail and actions -------------------------------------------------------------------


@dataclass(frozen=True)
class UiAction:
    form: type[f.EmptyForm]
    run: Callable
    style: str = "primary"


def _kw(form) -> dict:
    return form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)


PROPOSAL_ACTIONS: dict[str, UiAction] = {
    "submit": UiAction(f.EmptyForm, lambda u, p, a, form: drafting.submit(u, p.pk)),
    "withdraw": UiAction(
        f.WithdrawForm, lambda u, p, a, form: drafting.withdraw(u, p.pk, **_kw(form)), "danger"
    ),
    "cosign": UiAction(f.EmptyForm, lambda u, p, a, form: drafting.cosign(u, p.pk)),
    "decline_cosign": UiAction(
        f.EmptyForm, lambda u, p, a, form: drafting.decline_cosign(u, p.pk), "danger"
    ),
    "remove_cosigner": UiAction(
        f.RemoveCosignerForm,
        lambda u, p, a, form: drafting.remove_cosigner(u, p.pk, form.cleaned_data["member"]),
        "secondary",
    ),
    "review": UiAction(f.ReviewForm, lambda u, p, a, form: review.review(u, p.pk, **_kw(form))),
    "file": UiAction(f.EmptyForm, lambda u, p, a, form: review.file(u, p.pk)),
    "merge": UiAction(
        f.MergeForm, lambda u, p, a, form: review.merge(u, p.pk, **_kw(form)), "secondary"
    ),
    "transfer": UiAction(
        f.TransferForm, lambda u, p, a, form: review.transfer(u, p.pk, **_kw(form)), "secondary"
    ),
    "assign": UiAction(f.AssignForm, lambda u, p, a, form: handling.assign(u, p.pk, **_kw(form))),
    "extend": UiAction(
        f.ExtendForm, lambda u, p, a, form: handling.extend(u, p.pk, **_kw(form)), "secondary"
    ),
    "mark_key": UiAction(
        f.MarkKeyForm, lambda u, p, a, form: supervision.mark_key(u, p.pk, **_kw(form)), "secondary"
    ),
    "supervise": UiAction(
        f.SuperviseForm, lambda u, p, a, form: supervision.supervise(u, p.pk, **_kw(form))
    ),
    "feedback": UiAction(
        f.FeedbackForm, lambda u, p, a, form: feedback.give_feedback(u, p.pk, **_kw(form))
    ),
    "close": UiAction(f.EmptyForm, lambda u, p, a, form: feedback.close(u, p.pk), "secondary"),
}
ASSIGNMENT_ACTIONS: dict[str, UiAction] = {
    "accept": UiAction(f.EmptyForm, lambda u, p, a, form: handling.accept(u, a)),
    "request_reassignment": UiAction(
        f.ReasonForm,
        lambda u, p, a, form: handling.request_reassignment(u, a, **_kw(form)),
        "secondary",
    ),
    "communicate": UiAction(
        f.CommunicationForm,
        lambda u, p, a, form: handling.communicate(u, a, **_kw(form)),
        "secondary",
    ),
    "give_opinion": UiAction(
        f.OpinionForm, lambda u, p, a, form: handling.give_opinion(u, a, **_kw(form))
    ),
    "reply": UiAction(f.ReplyForm, lambda u, p, a, form: handling.reply(u, a, **_kw(form))),
}


def _panels(user, proposal: Proposal, bound: dict | None = None) -> tuple[list, list]:
    """The action forms this user may use now: proposal-level, then per assignment."""
    bound = bound or {}
    today = timezone.localdate()
    proposal_panels = []
    for name in workflow.allowed_actions(user, proposal, today):
        if name not in PROPOSAL_ACTIONS:
            continue
        form = bound.get(("p", name)) or PROPOSAL_ACTIONS[name].form(proposal=proposal, prefix=name)
        proposal_panels.append(
            {
                "name": name,
                "label": workflow.BY_NAME[name].label,
                "form": form,
                "style": PROPOSAL_ACTIONS[name].style,
            }
        )
    assignment_panels = []
    for a in proposal.assignments.all():
        for name in workflow.allowed_assignment_actions(user, a, today):
            spec = ASSIGNMENT_ACTIONS[name]
            form = bound.get((a.pk, name)) or spec.form(
                proposal=proposal, assignment=a, prefix=f"a{a.pk}-{name}"
            )
            assignment_panels.append(
                {
                    "name": name,
                    "label": workflow.BY_NAME[name].label,
                    "form": form,
                    "assignment": a,
                    "style": spec.style,
                }
            )
    return proposal_panels, assignment_panels


def _detail(request: HttpRequest, proposal: Proposal, bound: dict | None = None, status: int = 200):
    workflow.attach_rules([proposal])
    proposal_panels, assignment_panels = _panels(request.user, proposal, bound)
    events = list(timeline(proposal))
    calendar = WorkCalendar.for_committee(proposal.committee_id)
    today = timezone.localdate()
    assignments = [
        {
            "a": a,
            "deadline": current_deadline(a),
            "reroute_days": reroute_days_left(a, today, calendar),
        }
        for a in proposal.assignments.all()
    ]
    replies = sorted(
        (r for a in proposal.assignments.all() for r in a.replies.all()), key=lambda r: r.pk
    )
    return render(
        request,
        "proposals/detail.html",
        {
            "p": proposal,
            "proposal_panels": proposal_panels,
            "assignment_panels": assignment_panels,
            "events": events,
            "assignments": assignments,
            "replies": replies,
            "communications": [
                c for a in proposal.assignments.all() for c in a.communications.all()
            ],
            "opinions": [o for a in proposal.assignments.all() for o in a.opinions.all()],
            "reminder_log": reminder_log(request.user, proposal),
        },
        status=status,
    )


def _detail_queryset(user):
    return queries.proposal_detail(user).prefetch_related(
        "assignments__communications", "assignments__opinions__assignment__unit"
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(_detail_queryset(request.user), pk=pk)
    return _detail(request, proposal)


@login_required
def proposal_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one proposal action from its form; on error show the page with the form bound."""
    spec = PROPOSAL_ACTIONS.get(name)
    if spec is None:
        raise Http404
    proposal = get_object_or_404(_detail_queryset(request.user), pk=pk)
    if request.method != "POST":
        return redirect(proposal)
    form = spec.form(request.POST, request.FILES, proposal=proposal, prefix=name)
    if name == "assign" and form.is_valid() and "confirm" not in request.POST:
        return _assign_preview(request, proposal, form)
    return _run(request, proposal, None, name, spec, form, ("p", name))


@login_required
@require_POST
def assignment_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    spec = ASSIGNMENT_ACTIONS.get(name)
    if spec is None:
        raise Http404
    assignment = get_object_or_404(queries.assignment_list(request.user), pk=pk)
    proposal = get_object_or_404(_detail_queryset(request.user), pk=assignment.proposal_id)
    assignment = next(a for a in proposal.assignments.all() if a.pk == assignment.pk)
    form = spec.form(
        request.POST,
        request.FILES,
        proposal=proposal,
        assignment=assignment,
        prefix=f"a{pk}-{name}",
    )
    return _run(request, proposal, assignment, name, spec, form, (assignment.pk, name))


def _run(request, proposal, assignment, name, spec, form, key) -> HttpResponse:
    if form.is_valid():
        try:
            spec.run(request.user, proposal, assignment, form)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            _apply_error(form, exc)
        else:
            messages.success(
                request, _("已完成：{action}").format(action=workflow.BY_NAME[name].label)
            )
            if (
                name == "transfer"
                or not Proposal.objects.visible_to(request.user).filter(pk=proposal.pk).exists()
            ):
                return redirect("proposals:list")
            return redirect(proposal)
    proposal = _detail_queryset(request.user).get(pk=proposal.pk)
    return _detail(request, proposal, bound={key: form})


def _assign_preview(request, proposal, form) -> HttpResponse:
    kwargs = form.service_kwargs()
    try:
        rows = handling.preview_deadlines(
            proposal, kwargs["lead_unit"], kwargs["co_units"], kwargs["separate_units"]
        )
    except DomainError as exc:
        _apply_error(form, exc)
        proposal = _detail_queryset(request.user).get(pk=proposal.pk)
        return _detail(request, proposal, bound={("p", "assign"): form})
    for row in rows:
        row["role_label"] = UnitRole(row["role"]).label
        row["kind_label"] = DeadlineKind(row["kind"]).label
    hidden = [
        (key, value)
        for key in request.POST
        if key.startswith("assign-")
        for value in request.POST.getlist(key)
    ]
    return render(
        request, "proposals/assign_preview.html", {"p": proposal, "rows": rows, "hidden": hidden}
    )
