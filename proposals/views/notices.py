"""Notifications and the reminder log (催办记录), for a person and for a proposal."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.capabilities import Capability, may
from proposals.filters import ReminderFilterSet
from proposals.models import Notification, Proposal, Reminder
from proposals.views.common import humanize_filters, paginate, sorting


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
