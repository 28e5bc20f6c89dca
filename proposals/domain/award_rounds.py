"""The award round's table (优秀提案评选): which step, by whom, in which status, and why not.

Like the proposal workflow table, this is the one place the round's rules live: the
service checks a step against it before changing anything, and the pages ask it which
buttons and forms to show (``proposals.services.awards.allowed_steps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from proposals.choices import AwardStatus

# Who takes a step: staff who manage the committee's awards, or a member of the round's panel.
MANAGER = "manager"
REVIEWER = "reviewer"


@dataclass(frozen=True)
class RoundStep:
    name: str
    label: Promise
    actor: str
    statuses: frozenset[str]
    # Why not, when the round is in another status that is not yet published.
    not_now: Promise


_OPEN = frozenset({AwardStatus.NOMINATING, AwardStatus.SCORING})
_NOMINATING = frozenset({AwardStatus.NOMINATING})
_SCORING = frozenset({AwardStatus.SCORING})

STEPS: dict[str, RoundStep] = {
    s.name: s
    for s in (
        RoundStep("edit", _("修改评选设置"), MANAGER, _OPEN, _("评选结果已公布，不能再修改。")),
        RoundStep("nominate", _("推荐"), MANAGER, _NOMINATING, _("推荐阶段已结束，不能再推荐。")),
        RoundStep(
            "withdraw_nomination",
            _("撤回推荐"),
            MANAGER,
            _NOMINATING,
            _("评审已开始，不能撤回推荐。"),
        ),
        RoundStep("open_scoring", _("开始评审"), MANAGER, _NOMINATING, _("评审已经开始。")),
        RoundStep("score", _("打分"), REVIEWER, _SCORING, _("评审尚未开始，暂不能打分。")),
        RoundStep(
            "select", _("选定优秀提案"), MANAGER, _SCORING, _("评审开始后才能选定优秀提案。")
        ),
        RoundStep(
            "publish",
            _("公布"),
            MANAGER,
            _SCORING,
            _("评审开始并选定优秀提案后才能公布。"),
        ),
    )
}

PUBLISHED_REFUSAL = _("评选结果已公布，不能再修改。")


def refusal(step: str, status: str) -> str | None:
    """Why ``step`` cannot be taken while the round is ``status``; None when it can."""
    row = STEPS[step]
    if status in row.statuses:
        return None
    return str(PUBLISHED_REFUSAL if status == AwardStatus.PUBLISHED else row.not_now)
