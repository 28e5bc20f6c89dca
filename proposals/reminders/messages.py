"""The wording of reminders (zh-hans through gettext), one function per subject."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.choices import DeadlineKind
from proposals.models import Deadline
from proposals.reminders.policy import HANDLER, PROPOSER

MAX_LENGTH = 300

_WHAT = {
    DeadlineKind.REPLY: gettext_lazy("答复"),
    DeadlineKind.CO_OPINION: gettext_lazy("会办意见"),
}


def proposal_ref(title: str, number: str) -> str:
    return f"《{title}》（{number}）" if number else f"《{title}》"


def deadline_message(row: dict, audience: str, offset: int) -> str:
    """What a reminder for a deadline says, ``offset`` working days before its due date."""
    ref = proposal_ref(row["proposal__title"], row["proposal__number"])
    due = row["due_date"]
    kind = row["kind"]
    if kind == DeadlineKind.FEEDBACK or audience == PROPOSER:
        text = _(
            "您的提案{ref}已答复，请于 {due} 前对办理情况作出反馈"
            "（还有 {n} 个工作日），逾期未反馈的视为满意。"
        ).format(ref=ref, due=due, n=max(offset, 0))
    elif kind == DeadlineKind.REROUTE_WINDOW:
        if offset > 0:
            text = _(
                "提案{ref}申请调整承办单位的期限为 {due}，还有 {n} 个工作日；"
                "如属本单位职责，请及时签收办理。"
            ).format(ref=ref, due=due, n=offset)
        else:
            text = _("提案{ref}申请调整承办单位的期限今天（{due}）截止，请及时签收办理。").format(
                ref=ref, due=due
            )
    else:
        what = _WHAT[DeadlineKind(kind)]
        if offset > 0:
            text = _("提案{ref}的{what}期限为 {due}，还有 {n} 个工作日，请按时办理。").format(
                ref=ref, what=what, due=due, n=offset
            )
        elif offset == 0:
            text = _("提案{ref}的{what}期限为今天（{due}），请于今日内完成。").format(
                ref=ref, what=what, due=due
            )
        else:
            text = _("提案{ref}的{what}期限 {due} 已逾期 {n} 个工作日，请尽快办理。").format(
                ref=ref, what=what, due=due, n=-offset
            )
        if audience != HANDLER:
            text = _("【督办】{unit}承办的").format(unit=row["assignment__unit__name"]) + text
    warning = Deadline.warning_for(row["computation"])
    if warning:
        text += _("（{w}）").format(w=warning)
    return text[:MAX_LENGTH]


def cosign_message(row: dict, waited: int) -> str:
    return _("{proposer}邀请您联名提案《{title}》，已等待 {n} 个工作日，请确认或拒绝联名。").format(
        proposer=row["proposal__proposer__display_name"], title=row["proposal__title"], n=waited
    )[:MAX_LENGTH]
