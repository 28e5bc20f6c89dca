"""The landing page: what waits for me, and the proposals I can see by state.

"Waiting for me" is what the workflow table calls the user's to-do (``workflow.todos``)
on the oldest proposals in the states their roles act on, with the actions they cannot
take yet and why (``workflow.blocked``), so the home page and the buttons agree; staff
also see the re-routing requests and overdue work waiting for them.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members.capabilities import Capability, may
from members.roles import roles_of
from proposals import conditions, queries, workflow
from proposals.choices import ReminderStatus, RequestStatus, State
from proposals.filters import overdue_deadlines
from proposals.models import Proposal, ReassignmentRequest, Reminder

# The oldest proposals per state looked at for to-dos: every state where something may
# wait for the user gets its share, so a thousand assignments under way cannot hide the
# few proposals waiting for review.
TODO_PER_STATE = 10


def waiting_for(user) -> list[dict]:
    """The user's to-dos, oldest first, from the workflow table: for each proposal, the
    actions waiting for them and those they cannot take yet, with the reason."""
    states = workflow.todo_states(user)
    if not states:
        return []
    oldest_per_state = Window(RowNumber(), partition_by=F("state"), order_by=F("id").asc())
    candidates = list(
        queries.proposal_list(user)
        .filter(state__in=sorted(states))
        .annotate(rank_in_state=oldest_per_state)
        .filter(rank_in_state__lte=TODO_PER_STATE)
        .order_by("id")
    )
    conditions.attach_rules(candidates)
    today = timezone.localdate()
    rows = []
    for p in candidates:
        actions = workflow.todos(user, p, today)
        waiting = [
            reason
            for assignment in [None, *p.assignments.all()]
            for _name, reason in workflow.blocked(user, p, assignment, today)
        ]
        if actions or waiting:
            labels = [str(workflow.BY_NAME[a].label) for a in actions]
            rows.append({"proposal": p, "actions": labels, "waiting": waiting})
    return rows


def staff_queues(user) -> dict[str, int]:
    """What waits for staff outside single proposals: re-routing requests, overdue work."""
    if not may(user, Capability.DECIDE_REROUTING):
        return {}
    assignments = queries.assignment_list(user)
    return {
        "requests": ReassignmentRequest.objects.filter(
            status=RequestStatus.PENDING, assignment__in=assignments.values("pk")
        ).count(),
        "overdue": assignments.filter(Exists(overdue_deadlines(assignment=OuterRef("pk")))).count(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        Proposal.objects.visible_to(request.user)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    by_state = [(value, label, counts.get(value, 0)) for value, label in State.choices]
    roles = sorted(role.label for role in roles_of(request.user))
    failed_reminders = 0
    if may(request.user, Capability.SEE_REMINDER_LOG):
        failed = Reminder.objects.visible_to(request.user).filter(status=ReminderStatus.FAILED)
        failed_reminders = failed.count()
    return render(
        request,
        "home.html",
        {
            "by_state": by_state,
            "total": sum(counts.values()),
            "roles": roles,
            "waiting": waiting_for(request.user),
            "queues": staff_queues(request.user),
            "failed_reminders": failed_reminders,
        },
    )
