"""The landing page: what waits for me, and the proposals I can see by state.

"Waiting for me" is whatever ``workflow.allowed_actions`` offers the user on recent
proposals in the states their roles act on, so the home page and the buttons agree.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members.capabilities import Capability, may
from members.roles import Role, roles_of
from proposals import queries, workflow
from proposals.choices import ReminderStatus, State
from proposals.models import Proposal, Reminder

# Actions that are possible but not "waiting" (a proposer may always withdraw, etc.).
NOT_TODO = {
    "edit",
    "withdraw",
    "remove_cosigner",
    "close",
    "extend",
    "mark_key",
    "merge",
    "transfer",
    "supervise",
}
ROLE_STATES = {
    Role.MEMBER: [State.DRAFT, State.RETURNED, State.SUBMITTED, State.REPLIED],
    Role.COLLECTIVE: [State.DRAFT, State.RETURNED, State.REPLIED],
    Role.STAFF: [State.SUBMITTED, State.UNDER_REVIEW, State.FILED],
    Role.ADMIN: [State.SUBMITTED, State.UNDER_REVIEW, State.FILED],
    Role.UNIT: [State.ASSIGNED, State.REHANDLING],
}
TODO_LIMIT = 30


def waiting_for(user) -> list[tuple[Proposal, list[str]]]:
    roles = roles_of(user)
    states = {s for role in roles for s in ROLE_STATES.get(role, [])}
    if not states:
        return []
    candidates = list(
        queries.proposal_list(user).filter(state__in=states).order_by("-id")[:TODO_LIMIT]
    )
    workflow.attach_rules(candidates)
    today = timezone.localdate()
    rows = []
    for p in candidates:
        actions = [a for a in workflow.allowed_actions(user, p, today) if a not in NOT_TODO]
        for assignment in p.assignments.all():
            actions += workflow.allowed_assignment_actions(user, assignment, today)
        if actions:
            rows.append((p, [str(workflow.BY_NAME[a].label) for a in dict.fromkeys(actions)]))
    return rows


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
            "failed_reminders": failed_reminders,
        },
    )
