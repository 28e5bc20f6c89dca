"""What a proposal's timeline can say: event kinds, one builder per kind, one renderer.

An event stores its kind and typed parameters (ids, codes, dates, and the names as
they were then); the sentence is rendered when the event is shown, in the language of
the request, so the timeline can be re-rendered, translated and queried by field
(``data__unit``, ``data__classification``…). The only writer is
``ProposalEvent.objects.record``; builders here keep the parameters of each kind in
one place.

Events written before typed events carry their old sentence as ``data["text"]``
(migration 0005), which is shown as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proposals.choices import (
    CommunicationKind,
    CommunicationMethod,
    DeadlineKind,
    Kind,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
    UnitRole,
)


class EventKind(models.TextChoices):
    CREATE = "create", _("创建草稿")
    EDIT = "edit", _("修改内容")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    ATTACHMENT_REMOVED = "attachment_removed", _("删除附件")
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    COSIGN = "cosign", _("确认联名")
    DECLINE_COSIGN = "decline_cosign", _("拒绝联名")
    REMOVE_COSIGNER = "remove_cosigner", _("移除联名人")
    REVIEW = "review", _("审查")
    FILE = "file", _("立案")
    MERGE = "merge", _("并案")
    MERGED_ALONG = "merged_along", _("随主提案并案")
    MERGED_IN = "merged_in", _("并入本案")
    GROUP_CLOSED = "group_closed", _("主提案办结")
    TRANSFER = "transfer", _("转交")
    TRANSFERRED_IN = "transferred_in", _("转来")
    ASSIGN = "assign", _("交办")
    ACCEPT = "accept", _("签收")
    REQUEST_REASSIGNMENT = "request_reassignment", _("申请调整")
    DECIDE_REASSIGNMENT = "decide_reassignment", _("审批调整申请")
    COMMUNICATE = "communicate", _("沟通")
    GIVE_OPINION = "give_opinion", _("会办意见")
    REPLY = "reply", _("答复")
    EXTEND = "extend", _("延期")
    MARK_KEY = "mark_key", _("确定重点提案")
    SUPERVISE = "supervise", _("督办")
    URGE = "urge", _("催办")
    FEEDBACK = "feedback", _("反馈")
    CLOSE = "close", _("办结")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("期限重算")
    AWARD_NOMINATE = "award_nominate", _("推荐评优")
    AWARD_WITHDRAW = "award_withdraw", _("撤回评优推荐")
    AWARD_SELECT = "award_select", _("拟评优秀")
    AWARD_UNSELECT = "award_unselect", _("取消拟评优秀")
    AWARD_PUBLISH = "award_publish", _("评为优秀提案")


@dataclass(frozen=True)
class Event:
    """One kind and its parameters, ready for ``ProposalEvent.objects.record``."""

    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return render(self.kind, self.data)


def _date(value: datetime.date) -> str:
    return value.isoformat()


# ---- builders: one per kind, the parameters typed ----------------------------------------


def created() -> Event:
    return Event(EventKind.CREATE)


def edited(changed: Iterable[str]) -> Event:
    return Event(EventKind.EDIT, {"changed": list(changed)})


def attachment_added(attachment: int, name: str) -> Event:
    return Event(EventKind.ATTACHMENT_ADDED, {"attachment": attachment, "name": name})


def attachment_removed(attachment: int, name: str) -> Event:
    return Event(EventKind.ATTACHMENT_REMOVED, {"attachment": attachment, "name": name})


def submitted(session: int, kind: str) -> Event:
    return Event(EventKind.SUBMIT, {"session": session, "kind": kind})


def withdrawn(reason: str = "") -> Event:
    return Event(EventKind.WITHDRAW, {"reason": reason})


def cosigner_answered(member: int, name: str, *, confirmed: bool) -> Event:
    kind = EventKind.COSIGN if confirmed else EventKind.DECLINE_COSIGN
    return Event(kind, {"member": member, "name": name})


def cosigner_removed(member: int, name: str) -> Event:
    return Event(EventKind.REMOVE_COSIGNER, {"member": member, "name": name})


def reviewed(
    stage: str,
    decision: str,
    *,
    opinion: str = "",
    ground: str = "",
    forwarded_to: int | None = None,
    forwarded_to_name: str = "",
) -> Event:
    data: dict[str, Any] = {"stage": stage, "decision": decision, "opinion": opinion}
    if decision == ReviewDecision.DECLINE:
        data |= {"ground": ground, "forwarded_to": forwarded_to, "unit": forwarded_to_name}
    return Event(EventKind.REVIEW, data)


def filed(number: str) -> Event:
    return Event(EventKind.FILE, {"number": number})


def merged(into: int, title: str, *, along: bool = False) -> Event:
    """Merged into ``into``; ``along``: as a proposal earlier merged into this one."""
    kind = EventKind.MERGED_ALONG if along else EventKind.MERGE
    return Event(kind, {"into": into, "title": title})


def merged_in(merged_ids: list[int], title: str, comment: str) -> Event:
    return Event(EventKind.MERGED_IN, {"merged": merged_ids, "title": title, "comment": comment})


def group_closed(lead: int, title: str) -> Event:
    return Event(EventKind.GROUP_CLOSED, {"lead": lead, "title": title})


def transferred(to_proposal: int, committee: int, committee_name: str, reason: str) -> Event:
    return Event(
        EventKind.TRANSFER,
        {
            "to_proposal": to_proposal,
            "committee": committee,
            "committee_name": committee_name,
            "reason": reason,
        },
    )


def transferred_in(from_proposal: int, committee: int, committee_name: str, reason: str) -> Event:
    return Event(
        EventKind.TRANSFERRED_IN,
        {
            "from_proposal": from_proposal,
            "committee": committee,
            "committee_name": committee_name,
            "reason": reason,
        },
    )


def assigned(plan: Iterable[tuple[int, str, str]]) -> Event:
    """``plan``: (unit id, unit name, role) per unit, in the order given."""
    return Event(EventKind.ASSIGN, {"units": [[pk, name, role] for pk, name, role in plan]})


def accepted(assignment: int, unit: str) -> Event:
    return Event(EventKind.ACCEPT, {"assignment": assignment, "unit": unit})


def reassignment_requested(assignment: int, unit: str, request: int, reason: str) -> Event:
    return Event(
        EventKind.REQUEST_REASSIGNMENT,
        {"assignment": assignment, "unit": unit, "request": request, "reason": reason},
    )


def reassignment_approved(
    request: int, old: int, unit: str, new: int, new_unit: str, role: str
) -> Event:
    return Event(
        EventKind.DECIDE_REASSIGNMENT,
        {
            "request": request,
            "approved": True,
            "from": old,
            "unit": unit,
            "to": new,
            "new_unit": new_unit,
            "role": role,
        },
    )


def reassignment_rejected(request: int, assignment: int, unit: str, note: str) -> Event:
    return Event(
        EventKind.DECIDE_REASSIGNMENT,
        {"request": request, "approved": False, "from": assignment, "unit": unit, "note": note},
    )


def communicated(assignment: int, unit: str, communication: int, kind: str, method: str) -> Event:
    return Event(
        EventKind.COMMUNICATE,
        {
            "assignment": assignment,
            "unit": unit,
            "communication": communication,
            "kind": kind,
            "method": method,
        },
    )


def opinion_given(assignment: int, unit: str, opinion: int) -> Event:
    return Event(
        EventKind.GIVE_OPINION, {"assignment": assignment, "unit": unit, "opinion": opinion}
    )


def replied(assignment: int, unit: str, reply: int, classification: str) -> Event:
    return Event(
        EventKind.REPLY,
        {"assignment": assignment, "unit": unit, "reply": reply, "classification": classification},
    )


def extended(deadline: int, old: datetime.date, new: datetime.date, reason: str) -> Event:
    return Event(
        EventKind.EXTEND,
        {"deadline": deadline, "from": _date(old), "to": _date(new), "reason": reason},
    )


def marked_key(supervisors: list[int], names: list[str]) -> Event:
    return Event(EventKind.MARK_KEY, {"supervisors": supervisors, "names": names})


def urged(assignment: int, unit: str, due: datetime.date, days_late: int, sent: int) -> Event:
    """Staff urged a unit (the overdue board's 催办): reminders to ``sent`` people."""
    return Event(
        EventKind.URGE,
        {
            "assignment": assignment,
            "unit": unit,
            "due": due.isoformat(),
            "days_late": days_late,
            "sent": sent,
        },
    )


def supervised(supervision: int, content: str) -> Event:
    return Event(EventKind.SUPERVISE, {"supervision": supervision, "content": content[:100]})


def feedback_given(
    feedback: int,
    communication: str,
    result: str,
    *,
    rehandling_round: int | None = None,
    closed: bool = False,
) -> Event:
    """The proposer's rating; the decisive one also says what followed (重新办理 / 办结)."""
    return Event(
        EventKind.FEEDBACK,
        {
            "feedback": feedback,
            "communication": communication,
            "result": result,
            "rehandling_round": rehandling_round,
            "closed": closed,
        },
    )


def closed_without_feedback() -> Event:
    return Event(EventKind.CLOSE)


def deadline_recomputed(
    deadline: int,
    kind: str,
    old: datetime.date,
    new: datetime.date,
    reason: str,
    fallback_years: list[int],
) -> Event:
    return Event(
        EventKind.DEADLINE_RECOMPUTED,
        {
            "deadline": deadline,
            "kind": kind,
            "from": _date(old),
            "to": _date(new),
            "reason": reason,
            "fallback_years": fallback_years,
        },
    )


def award(kind: EventKind, round_id: int, round_name: str, **data: Any) -> Event:
    """The awards round's marks on a proposal (nominated, withdrawn, selected, published)."""
    return Event(kind, {"round": round_id, "round_name": round_name, **data})


# ---- rendering: when shown, in the language of the request ---------------------------------

# Parameters holding a code, shown as its label.
_LABELS: dict[str, type[models.TextChoices]] = {
    "stage": ReviewStage,
    "role": UnitRole,
    "result": Satisfaction,
    "communication": Satisfaction,
    "method": CommunicationMethod,
}
# Parameters whose meaning depends on the kind.
_KIND_LABELS: dict[str, type[models.TextChoices]] = {
    EventKind.SUBMIT: Kind,
    EventKind.COMMUNICATE: CommunicationKind,
    EventKind.DEADLINE_RECOMPUTED: DeadlineKind,
}

_SENTENCES: dict[str, Promise] = {
    EventKind.CREATE: _("创建草稿"),
    EventKind.EDIT: _("修改内容"),
    EventKind.ATTACHMENT_ADDED: _("上传附件 {name}"),
    EventKind.ATTACHMENT_REMOVED: _("删除附件 {name}"),
    EventKind.SUBMIT: _("提交提案（{kind}）"),
    EventKind.COSIGN: _("确认联名"),
    EventKind.DECLINE_COSIGN: _("拒绝联名"),
    EventKind.REMOVE_COSIGNER: _("移除未确认的联名人 {name}"),
    EventKind.FILE: _("立案，案号 {number}"),
    EventKind.MERGE: _("并入提案《{title}》"),
    EventKind.MERGED_ALONG: _("随主提案并入《{title}》"),
    EventKind.MERGED_IN: _("提案《{title}》并入本案"),
    EventKind.GROUP_CLOSED: _("主提案《{title}》办结"),
    EventKind.TRANSFER: _("转交{committee_name}：{reason}"),
    EventKind.TRANSFERRED_IN: _("由{committee_name}转来：{reason}"),
    EventKind.ACCEPT: _("{unit}签收"),
    EventKind.REQUEST_REASSIGNMENT: _("{unit}申请调整：{reason}"),
    EventKind.COMMUNICATE: _("{unit}{kind}（{method}）"),
    EventKind.GIVE_OPINION: _("{unit}提交会办意见"),
    EventKind.REPLY: _("{unit}答复（{classification}类）"),
    EventKind.EXTEND: _("答复期限由 {from} 延至 {to}：{reason}"),
    EventKind.SUPERVISE: _("督办：{content}"),
    EventKind.URGE: _("催办{unit}（期限 {due}，已逾期 {days_late} 个工作日），提醒 {sent} 人"),
    EventKind.CLOSE: _("反馈期限已过，第一提案人未反馈；办结（按规则视为满意）"),
    EventKind.AWARD_NOMINATE: _("推荐参加“{round_name}”"),
    EventKind.AWARD_SELECT: _("在“{round_name}”中拟评为优秀提案"),
    EventKind.AWARD_UNSELECT: _("在“{round_name}”中取消拟评优秀提案"),
    EventKind.AWARD_PUBLISH: _("被评为“{round_name}”优秀提案"),
}


def _labelled(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    for name, choices in (*_LABELS.items(), ("kind", _KIND_LABELS.get(kind))):
        if choices is not None and values.get(name) in choices.values:
            values[name] = choices(values[name]).label
    return values


def _withdraw(d: dict[str, Any]) -> str:
    return d.get("reason") or gettext("提案人撤回")


def _review(d: dict[str, Any]) -> str:
    if d["decision"] == ReviewDecision.PASS:
        return gettext("{stage}通过").format(**d)
    if d["decision"] == ReviewDecision.RETURN:
        return gettext("{stage}：退回修改。{opinion}").format(**d)
    grounds = "；".join(x for x in (d.get("ground"), d.get("opinion")) if x)
    text = gettext("不予立案：{g}").format(g=grounds)
    if d.get("unit"):
        text += gettext("，作为意见建议转送{u}").format(u=d["unit"])
    return text


def _assign(d: dict[str, Any]) -> str:
    units = "；".join(f"{UnitRole(role).label} {name}" for _pk, name, role in d["units"])
    return gettext("交办：") + units


def _decide_reassignment(d: dict[str, Any]) -> str:
    if d["approved"]:
        return gettext("同意{unit}的调整申请，改由{new_unit}{role}").format(**d)
    return gettext("驳回{unit}的调整申请：{note}").format(**d)


def _mark_key(d: dict[str, Any]) -> str:
    return gettext("确定为重点提案，督办领导：{n}").format(n="、".join(d["names"]))


def _feedback(d: dict[str, Any]) -> str:
    text = gettext("反馈：沟通{communication}，结果{result}").format(**d)
    if d.get("rehandling_round"):
        text += gettext("；转入重新办理（第{n}轮）").format(n=d["rehandling_round"])
    elif d.get("closed"):
        text += gettext("；办结（第一提案人反馈{r}）").format(r=d["result"])
    return text


def _deadline_recomputed(d: dict[str, Any]) -> str:
    if d["from"] != d["to"]:
        return gettext("{kind}由 {from} 调整为 {to}：{reason}").format(**d)
    return gettext("{kind} {from} 因{reason}重新核对，日期不变。").format(**d)


def _award_withdraw(d: dict[str, Any]) -> str:
    text = gettext("撤回“{round_name}”的推荐").format(**d)
    if d.get("reason"):
        text += gettext("：{r}").format(r=d["reason"][:200])
    return text


_COMPOSED: dict[str, Callable[[dict[str, Any]], str]] = {
    EventKind.WITHDRAW: _withdraw,
    EventKind.REVIEW: _review,
    EventKind.ASSIGN: _assign,
    EventKind.DECIDE_REASSIGNMENT: _decide_reassignment,
    EventKind.MARK_KEY: _mark_key,
    EventKind.FEEDBACK: _feedback,
    EventKind.DEADLINE_RECOMPUTED: _deadline_recomputed,
    EventKind.AWARD_WITHDRAW: _award_withdraw,
}


def render(kind: str, data: dict[str, Any]) -> str:
    """The event as a sentence in the active language; never fails on odd data."""
    if "text" in data:
        return str(data["text"])
    values = _labelled(kind, data)
    try:
        if kind in _COMPOSED:
            return _COMPOSED[kind](values)
        return str(_SENTENCES[kind]).format(**values)
    except (KeyError, IndexError, TypeError, ValueError):
        return str(EventKind(kind).label) if kind in EventKind.values else kind
