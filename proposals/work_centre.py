"""The work centre (工作台): every kind of to-do a user has, with its count, oldest first.

A proposal's to-dos come from the workflow table (``workflow.todos``: the actions whose
to-do it is while the user may take them), so the work centre, the buttons and the API
never disagree; what the user would do but cannot yet, with the reason
(``workflow.blocked_anywhere``), is a queue of its own ("等待中"). Staff also get the re-routing
requests and the overdue assignments. The badge in the top bar is the total, cached per
user for a few minutes and cleared by the user's own actions; pages only read it, the
work centre and ``/todo-count/`` (which the page script asks) count it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from committees.workcalendar import Calendars
from members.capabilities import Capability, may
from proposals import queries, workflow
from proposals.choices import RequestStatus
from proposals.deadlines import workdays_late
from proposals.models import Proposal, ReassignmentRequest

# Proposals looked at per state: every state gets its share, so a thousand assignments
# under way cannot hide the few proposals waiting for review. A queue that reaches it
# says "N+" (``Queue.more``).
PER_STATE = 300
SHOWN = 5  # items listed under each queue
BADGE_SECONDS = 300  # the user's own actions clear it at once (forget_count)


@dataclass
class Item:
    proposal: Proposal
    note: str = ""  # what waits, or why it cannot be done yet, or the deadline
    late: bool = False  # the note is an overdue deadline


@dataclass
class Queue:
    key: str
    label: str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    url: str = ""  # the full list, where there is one
    more: bool = False  # the count is a lower bound

    def add(self, item: Item) -> None:
        self.count += 1
        if len(self.items) < SHOWN:
            self.items.append(item)


def _candidates(user) -> tuple[list[Proposal], bool]:
    states = workflow.todo_states(user)
    if not states:
        return [], False
    oldest_per_state = Window(RowNumber(), partition_by=F("state"), order_by=F("id").asc())
    rows = list(
        queries.proposal_list(user)
        .filter(state__in=sorted(states))
        .annotate(rank_in_state=oldest_per_state)
        .filter(rank_in_state__lte=PER_STATE)
        .order_by("submitted_at", "id")
    )
    queries.prepare_rows(rows)
    return rows, any(p.rank_in_state == PER_STATE for p in rows)


def proposal_queues(user) -> list[Queue]:
    """One queue per to-do action (table order), then the blocked ones."""
    candidates, capped = _candidates(user)
    today = timezone.localdate()
    calendars = Calendars(today)
    by_action: dict[str, Queue] = {}
    waiting = Queue("waiting", _("等待中（暂不能办理）"))
    # Re-routing requests have a queue of their own for staff, with the unit's reason.
    skip = {"decide_reassignment"} if may(user, Capability.DECIDE_REROUTING) else set()
    for p in candidates:
        todos = workflow.todos(user, p, today)
        for name in todos:
            if name in skip:
                continue
            action = workflow.BY_NAME[name]
            queue = by_action.get(name)
            if queue is None:
                label = _("待{action}").format(action=action.label)
                queue = by_action[name] = Queue(name, label, url=_list_url(action))
            queue.add(
                _deadline_item(user, p, action, calendars) if action.on_assignment else Item(p)
            )
        if todos:
            continue  # something can be done now; what cannot is said on its page
        reasons = [b.reason for b in workflow.blocked_anywhere(user, p, today)]
        if reasons:
            waiting.add(Item(p, "；".join(reasons)))
    ordered = [by_action[a.name] for a in workflow.ACTIONS if a.name in by_action]
    for queue in ordered:
        queue.more = capped
    return [*ordered, waiting] if waiting.count else ordered


def _deadline_item(user, p: Proposal, action: workflow.Action, calendars: Calendars) -> Item:
    """A unit's to-do with the deadline it works to: due date and working days left, or
    how many it is overdue — so a clerk sees at once what is late."""
    for a in p.assignments.all():
        if action.name not in workflow.allowed_assignment_actions(user, a, calendars.today):
            continue
        deadline = queries.current_deadline(a)
        if deadline is None:
            break
        days = calendars.offset(p.committee_id, deadline.due_date)
        what, due = deadline.get_kind_display(), deadline.due_date
        if days < 0:
            note = _("{what} {due}，已逾期 {n} 个工作日").format(what=what, due=due, n=-days)
            return Item(p, note, late=True)
        note = _("{what} {due}，剩余 {n} 个工作日").format(what=what, due=due, n=days)
        return Item(p, note)
    return Item(p)


def _list_url(action: workflow.Action) -> str:
    """Where all of a queue's items are listed: a unit's inbox, the key proposals, or
    the proposal list in the action's states."""
    if action.on_assignment:
        return reverse("proposals:inbox")
    if action.name == "supervise":
        return reverse("proposals:supervision")
    return (
        reverse("proposals:list") + "?" + urlencode([("state", s) for s in sorted(action.sources)])
    )


def staff_queues(user) -> list[Queue]:
    """What waits for staff outside single proposals: re-routing requests, overdue work."""
    if not may(user, Capability.DECIDE_REROUTING):
        return []
    assignments = queries.assignment_list(user)
    requests = (
        ReassignmentRequest.objects.filter(
            status=RequestStatus.PENDING, assignment__in=assignments.values("pk")
        )
        .select_related("assignment__proposal", "assignment__unit")
        .order_by("created_at", "pk")
    )
    overdue = queries.overdue_assignments(user).order_by("late_since", "pk")
    calendars = Calendars(timezone.localdate())

    def overdue_note(assignment) -> str:
        days = workdays_late(calendars, assignment.proposal.committee_id, assignment.late_since)
        return _("{unit}（{role}）逾期 {n} 个工作日").format(
            unit=assignment.unit, role=assignment.get_role_display(), n=days
        )

    found = []
    for key, label, rows, url, note in (
        ("requests", _("调整承办单位申请"), requests, "proposals:requests", _request_note),
        ("overdue", _("超期未办结"), overdue, "proposals:overdue", overdue_note),
    ):
        queue = Queue(key, label, count=rows.count(), url=reverse(url))
        queue.items = [
            Item(row.proposal if key == "overdue" else row.assignment.proposal, note(row))
            for row in rows[:SHOWN]
        ]
        found.append(queue)
    return found


def _request_note(request: ReassignmentRequest) -> str:
    return _("{unit}：{reason}").format(unit=request.assignment.unit, reason=request.reason)


def queues(user) -> list[Queue]:
    """The user's work centre: staff queues first, then the proposals' to-dos."""
    found = [q for q in staff_queues(user) if q.count] + proposal_queues(user)
    cache.set(_badge_key(user), _total(found), BADGE_SECONDS)
    return found


def _total(found: list[Queue]) -> int:
    return sum(q.count for q in found if q.key != "waiting")


def _badge_key(user) -> str:
    return f"work-centre:badge:{user.pk}"


def cached_count(user) -> int | None:
    """The badge as last counted (at most ``BADGE_SECONDS`` old), or None: pages never
    count (their queries stay few and fixed); the work centre and ``todo_count`` do."""
    return cache.get(_badge_key(user))


def todo_count(user) -> int:
    """The badge: how many things wait for the user, counted when not cached."""
    count = cached_count(user)
    if count is None:
        count = _total(queues(user))
    return count


def forget_count(user) -> None:
    """After the user acted: the badge is counted afresh on the next page."""
    cache.delete(_badge_key(user))
