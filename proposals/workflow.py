"""The proposal state machine and its permissions, declared once.

Each :class:`Action` says who may take it (actors), from which proposal states
(and, for a unit's actions, which assignment statuses and roles), what it needs
(a precondition) and where it may lead. :func:`check` enforces it for the service
layer; :func:`allowed_actions` answers "what may this user do now" for buttons
and API hints from the same table, so the two never disagree.
``docs/workflow.md`` is generated from this table (``manage.py workflow_doc``).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cppcc.errors import InvalidTransition, NotPermitted
from members.roles import roles_of
from proposals import conditions as need
from proposals.actors import (
    COSIGNER,
    FEEDBACK_GIVER,
    PROPOSER,
    STAFF,
    SUPERVISOR,
    SYSTEM,
    UNIT,
    Actor,
    Context,
)
from proposals.choices import AssignmentStatus as AS
from proposals.choices import State as S
from proposals.choices import UnitRole
from proposals.domain import groups

if TYPE_CHECKING:
    from members.models import User
    from proposals.models import Assignment, Proposal


# ---- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    actors: tuple[Actor, ...]
    targets: tuple[str, ...] = ()
    needs: Callable[[Context], str | None] | None = None
    needs_text: str = ""
    records: str = ""
    on_assignment: bool = False
    assignment_statuses: frozenset[str] = field(default_factory=frozenset)
    unit_roles: frozenset[str] = field(default_factory=frozenset)
    # Whose to-do the action is while they may take it: None, every actor's; (), nobody's
    # (possible, but nothing waits for it: editing, withdrawing, extending…).
    todo_for: tuple[Actor, ...] | None = None

    @property
    def todo_actors(self) -> tuple[Actor, ...]:
        return self.actors if self.todo_for is None else self.todo_for


def _a(*states: str) -> frozenset[str]:
    return frozenset(states)


HANDLING = groups.HANDLING

ACTIONS: tuple[Action, ...] = (
    Action(
        "edit",
        gettext_lazy("修改"),
        groups.EDITABLE,
        (PROPOSER,),
        records="内容与联名人变更",
        todo_for=(),
    ),
    Action(
        "submit",
        gettext_lazy("提交"),
        groups.EDITABLE,
        (PROPOSER,),
        (S.SUBMITTED,),
        need.submit_ready,
        "案由、具体建议；集体提案须有提案单位",
        "提交时间、会次、大会/平时提案；邀请联名人确认",
    ),
    Action(
        "withdraw",
        gettext_lazy("撤回"),
        _a(S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED),
        (PROPOSER,),
        (S.WITHDRAWN,),
        records="撤回说明",
        todo_for=(),
    ),
    Action(
        "cosign",
        gettext_lazy("确认联名"),
        _a(S.SUBMITTED),
        (COSIGNER,),
        needs=need.invitation_pending,
        needs_text="本人有待确认的联名邀请",
        records="联名人确认",
    ),
    Action(
        "decline_cosign",
        gettext_lazy("拒绝联名"),
        _a(S.SUBMITTED),
        (COSIGNER,),
        needs=need.invitation_pending,
        needs_text="本人有待确认的联名邀请",
        records="联名人拒绝（视为移除）",
        todo_for=(),  # the invitation is one to-do, 确认联名 (confirm or decline)
    ),
    Action(
        "remove_cosigner",
        gettext_lazy("移除联名人"),
        _a(S.SUBMITTED),
        (PROPOSER, STAFF),
        needs=need.some_cosigner_pending,
        needs_text="有待确认的联名人",
        records="被移除的联名人",
        todo_for=(),
    ),
    Action(
        "review",
        gettext_lazy("审查"),
        _a(S.SUBMITTED, S.UNDER_REVIEW),
        (STAFF,),
        (S.UNDER_REVIEW, S.RETURNED, S.DECLINED),
        need.review_ready,
        "联名人全部确认；按规则顺序进行下一审查环节；退回须说明，不予立案须选理由",
        "审查环节、意见、审查人；不予立案理由及转送单位",
    ),
    Action(
        "file",
        gettext_lazy("立案"),
        _a(S.UNDER_REVIEW),
        (STAFF,),
        (S.FILED,),
        need.stages_passed,
        "规则要求的审查环节全部通过",
        "本会次连续、唯一的案号",
    ),
    Action(
        "merge",
        gettext_lazy("并案"),
        _a(S.SUBMITTED, S.UNDER_REVIEW, S.FILED),
        (STAFF,),
        (S.MERGED,),
        needs_text="同一政协内、尚未答复的主提案",
        records="并入的主提案；提案人保留并参与反馈",
        todo_for=(),
    ),
    Action(
        "transfer",
        gettext_lazy("转交"),
        _a(S.SUBMITTED, S.UNDER_REVIEW),
        (STAFF,),
        (S.TRANSFERRED,),
        needs_text="另一政协及转交理由",
        records="在对方政协生成的新提案，双向关联，历史保留",
        todo_for=(),
    ),
    Action(
        "assign",
        gettext_lazy("交办"),
        _a(S.FILED),
        (STAFF,),
        (S.ASSIGNED,),
        needs_text="一个主办单位（可加会办单位），或若干分办单位",
        records="交办记录及按规则计算的各项期限",
    ),
    Action(
        "extend",
        gettext_lazy("延期"),
        HANDLING,
        (STAFF,),
        needs_text="晚于原期限、累计不超过最长答复期限的新日期和理由",
        records="延期记录",
        todo_for=(),
    ),
    Action(
        "mark_key",
        gettext_lazy("确定重点提案"),
        _a(S.FILED, S.ASSIGNED, S.REPLIED, S.REHANDLING),
        (STAFF,),
        needs_text="本政协的督办领导",
        records="重点提案标记和督办领导",
        todo_for=(),
    ),
    Action(
        "supervise",
        gettext_lazy("督办"),
        _a(S.ASSIGNED, S.REPLIED, S.REHANDLING),
        (SUPERVISOR, STAFF),
        needs=need.is_key,
        needs_text="重点提案",
        records="督办情况",
        todo_for=(SUPERVISOR,),
    ),
    Action(
        "feedback",
        gettext_lazy("反馈"),
        _a(S.REPLIED),
        (FEEDBACK_GIVER,),
        (S.CLOSED, S.REHANDLING),
        need.not_yet_given_feedback,
        "本轮尚未反馈；沟通和结果两项满意度",
        "每人一份反馈；第一提案人满意或基本满意即办结，不满意则重新办理",
    ),
    Action(
        "close",
        gettext_lazy("办结"),
        _a(S.REPLIED),
        (STAFF, SYSTEM),
        (S.CLOSED,),
        need.feedback_window_over,
        "反馈期限已过而第一提案人未反馈",
        "按规则视为满意并办结",
        todo_for=(),
    ),
    Action(
        "accept",
        gettext_lazy("签收"),
        HANDLING,
        (UNIT,),
        on_assignment=True,
        assignment_statuses=_a(AS.ASSIGNED),
        records="签收时间",
    ),
    Action(
        "request_reassignment",
        gettext_lazy("申请调整"),
        _a(S.ASSIGNED),
        (UNIT,),
        needs=need.in_reroute_window,
        needs_text="在申请调整期限内、签收之前",
        records="调整申请及理由",
        on_assignment=True,
        assignment_statuses=_a(AS.ASSIGNED),
        todo_for=(),  # possible while signing is due; the to-do is 签收
    ),
    Action(
        "decide_reassignment",
        gettext_lazy("审批调整申请"),
        _a(S.ASSIGNED),
        (STAFF,),
        needs_text="同意时指定新的承办单位",
        records="审批结果；同意时重新交办",
        on_assignment=True,
        assignment_statuses=_a(AS.REROUTE_REQUESTED),
    ),
    Action(
        "urge",
        gettext_lazy("催办"),
        HANDLING,
        (STAFF,),
        needs=need.overdue,
        needs_text="答复或会办意见期限已过",
        records="向承办单位经办人和分管领导发出的催办提醒（站内、邮件、短信），每天至多一次",
        on_assignment=True,
        assignment_statuses=_a(AS.ASSIGNED, AS.ACCEPTED),
        todo_for=(),
    ),
    Action(
        "communicate",
        gettext_lazy("记录沟通"),
        _a(S.ASSIGNED, S.REPLIED, S.REHANDLING),
        (UNIT,),
        records="沟通类型、方式、日期、内容",
        on_assignment=True,
        assignment_statuses=_a(AS.ACCEPTED, AS.OPINION_GIVEN, AS.REPLIED),
        todo_for=(),
    ),
    Action(
        "give_opinion",
        gettext_lazy("提交会办意见"),
        HANDLING,
        (UNIT,),
        records="会办意见（送主办单位）",
        on_assignment=True,
        assignment_statuses=_a(AS.ASSIGNED, AS.ACCEPTED),
        unit_roles=_a(UnitRole.CO),
    ),
    Action(
        "reply",
        gettext_lazy("答复"),
        HANDLING,
        (UNIT,),
        (S.REPLIED,),
        need.co_opinions_in,
        "已签收；主办单位须待会办意见全部提交；答复分类和内容",
        "答复函及分类；主办（及分办）全部答复后进入反馈",
        on_assignment=True,
        assignment_statuses=_a(AS.ACCEPTED),
        unit_roles=_a(UnitRole.LEAD, UnitRole.SEPARATE),
    ),
)

BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}

# Relations of a proposal that actors and conditions read, by the actions whose tests read
# them (``proposals.actors``, ``proposals.conditions``): a list fetches each only for its
# rows in a state where one of these actions is asked (``queries.prepare_rows``).
RULE_READS: dict[str, tuple[str, ...]] = {
    "reviews": ("review", "file"),  # passed_stages
    "feedback": ("feedback",),  # not_yet_given_feedback
    "merged_proposals": ("feedback",),  # feedback_givers
    "deadlines": ("close",),  # feedback_window_over (the proposal's own deadlines)
    "supervisors": ("supervise",),  # _is_supervisor
}


@functools.cache
def states_reading(relation: str) -> frozenset[str]:
    """The proposal states in which the rules read ``relation`` (see ``RULE_READS``)."""
    return frozenset().union(*(BY_NAME[name].sources for name in RULE_READS[relation]))


def _context(user, proposal, assignment, today) -> Context:
    return Context(user, proposal, assignment, today or timezone.localdate())


def problem(
    user: User | None,
    name: str,
    proposal: Proposal,
    assignment: Assignment | None = None,
    today: datetime.date | None = None,
) -> NotPermitted | InvalidTransition | None:
    """Why ``user`` may not take action ``name`` now, or None when they may."""
    action = BY_NAME[name]
    c = _context(user, proposal, assignment, today)
    if not any(actor.test(c) for actor in action.actors):
        return NotPermitted(_("您无权对该提案执行「{action}」。").format(action=action.label))
    if proposal.state not in action.sources:
        return InvalidTransition(
            _("提案当前状态为「{state}」，不能执行「{action}」。").format(
                state=proposal.get_state_display(), action=action.label
            )
        )
    if action.on_assignment:
        assert assignment is not None
        if action.unit_roles and assignment.role not in action.unit_roles:
            return InvalidTransition(
                _("{role}单位不能执行「{action}」。").format(
                    role=assignment.get_role_display(), action=action.label
                )
            )
        if assignment.status not in action.assignment_statuses:
            return InvalidTransition(
                _("该交办当前为「{status}」，不能执行「{action}」。").format(
                    status=assignment.get_status_display(), action=action.label
                )
            )
    if action.needs is not None:
        message = action.needs(c)
        if message:
            return InvalidTransition(message)
    return None


def check(
    user: User | None,
    name: str,
    proposal: Proposal,
    assignment: Assignment | None = None,
    today: datetime.date | None = None,
) -> None:
    """Raise the domain error that forbids the action, if any."""
    error = problem(user, name, proposal, assignment, today)
    if error is not None:
        raise error


def _possible(action: Action, c: Context) -> bool:
    """``problem() is None`` without building a message, cheapest test first: lists ask
    this of every action for every row, and only a detail page shows reasons."""
    if c.proposal.state not in action.sources:
        return False
    if action.on_assignment:
        a = c.assignment
        assert a is not None
        if action.unit_roles and a.role not in action.unit_roles:
            return False
        if a.status not in action.assignment_statuses:
            return False
    if not any(actor.test(c) for actor in action.actors):
        return False
    return action.needs is None or not action.needs(c)


def allowed_actions(
    user: User | None, proposal: Proposal, today: datetime.date | None = None
) -> list[str]:
    """Proposal-level actions ``user`` may take now."""
    c = _context(user, proposal, None, today)
    return [a.name for a in ACTIONS if not a.on_assignment and _possible(a, c)]


def allowed_assignment_actions(
    user: User | None, assignment: Assignment, today: datetime.date | None = None
) -> list[str]:
    """Unit-level actions ``user`` may take now on ``assignment``."""
    c = _context(user, assignment.proposal, assignment, today)
    return [a.name for a in ACTIONS if a.on_assignment and _possible(a, c)]


# ---- to-dos and reasons: what waits for whom, and why an action is not possible yet ----------


def todo_states(user: User | None) -> frozenset[str]:
    """States in which some action may be waiting for ``user`` (to narrow a to-do query)."""
    roles = roles_of(user)
    return frozenset(
        state
        for action in ACTIONS
        if any(actor.roles & roles for actor in action.todo_actors)
        for state in action.sources
    )


def todos(user: User | None, proposal: Proposal, today: datetime.date | None = None) -> list[str]:
    """The actions waiting for ``user`` on ``proposal`` and its assignments, table order."""
    found = []
    for action in ACTIONS:
        if not action.todo_actors or proposal.state not in action.sources:
            continue  # the state first: the actors' tests read relations (RULE_READS)
        targets = proposal.assignments.all() if action.on_assignment else [None]
        for assignment in targets:
            c = _context(user, proposal, assignment, today)
            if any(actor.test(c) for actor in action.todo_actors) and _possible(action, c):
                found.append(action.name)
                break
    return found


def blocked(
    user: User | None,
    proposal: Proposal,
    assignment: Assignment | None = None,
    today: datetime.date | None = None,
) -> list[tuple[str, str]]:
    """(action, reason) for the to-dos ``user`` would have now but cannot take yet: the
    action is theirs to do in this state, what it needs is missing (e.g. the lead unit
    waits for the co-units' opinions, staff for the co-signers). Reasons are built only
    here, where they are shown; actions nothing waits for (withdraw, close…) are left out.
    """
    found = []
    for action in ACTIONS:
        if action.needs is None or action.on_assignment != (assignment is not None):
            continue
        c = _context(user, proposal, assignment, today)
        if proposal.state not in action.sources or not any(
            actor.test(c) for actor in action.todo_actors
        ):
            continue
        if assignment is not None and (
            (action.unit_roles and assignment.role not in action.unit_roles)
            or assignment.status not in action.assignment_statuses
        ):
            continue
        reason = action.needs(c)
        if reason:
            found.append((action.name, str(reason)))
    return found


class Blocked(NamedTuple):
    action: str
    assignment: Assignment | None
    reason: str


def blocked_anywhere(
    user: User | None, proposal: Proposal, today: datetime.date | None = None
) -> list[Blocked]:
    """``blocked`` for the proposal and each of its assignments: every to-do the user
    cannot take yet, where, and why — what the work centre, the page and the API show."""
    return [
        Blocked(name, assignment, reason)
        for assignment in [None, *proposal.assignments.all()]
        for name, reason in blocked(user, proposal, assignment, today)
    ]
