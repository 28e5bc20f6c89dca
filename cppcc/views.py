"""The work centre (工作台), every user's landing page: each kind of to-do with its
count, oldest first (``proposals.work_centre``), and the proposals they can see by state."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from members.capabilities import Capability, may
from members.roles import roles_of
from proposals import work_centre
from proposals.choices import ReminderStatus, State
from proposals.models import Proposal, Reminder


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        Proposal.objects.visible_to(request.user)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    by_state = [
        (value, label, counts[value]) for value, label in State.choices if counts.get(value)
    ]
    roles = sorted(role.label for role in roles_of(request.user))
    failed_reminders = 0
    if may(request.user, Capability.SEE_REMINDER_LOG):
        failed = Reminder.objects.visible_to(request.user).filter(status=ReminderStatus.FAILED)
        failed_reminders = failed.count()
    queues = work_centre.queues(request.user)
    return render(
        request,
        "home.html",
        {
            "by_state": by_state,
            "total": sum(counts.values()),
            "roles": roles,
            "queues": queues,
            "todo_total": sum(q.count for q in queues if q.key != "waiting"),
            "failed_reminders": failed_reminders,
        },
    )


@login_required
def todo_count(request: HttpRequest) -> JsonResponse:
    """The top bar's badge, for the page script: counted here when not cached."""
    return JsonResponse({"count": work_centre.todo_count(request.user)})
