"""Key proposals (重点提案) and supervision (督办)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from members.models import User
from members.roles import Role
from proposals.domain import events
from proposals.models import Proposal, Supervision
from proposals.notifications import notify
from proposals.services.base import action, require
from proposals.services.drafting import _reload


def mark_key(user: User, proposal: Proposal | int, supervisors: Iterable[int]) -> Proposal:
    with action(user, "mark_key", proposal) as step:
        ids = sorted({int(s) for s in supervisors})
        require(ids, _("请选择至少一位督办领导。"), "supervisors")
        p = step.proposal
        leaders = list(
            User.objects.filter(
                pk__in=ids,
                committee_id=p.committee_id,
                is_active=True,
                groups__name=Role.SUPERVISOR,
            )
        )
        require(len(leaders) == len(ids), _("督办领导须为本政协的督办领导账号。"), "supervisors")
        p.is_key = True
        p.supervisors.set(leaders)
        step.event = events.marked_key(ids, [str(u) for u in leaders])
        notify(ids, p, "key_proposal", _("请督办重点提案《{t}》").format(t=p.title))
    return _reload(proposal)


def supervise(
    user: User,
    proposal: Proposal | int,
    *,
    content: str,
    date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Supervision:
    with action(user, "supervise", proposal, today=today) as step:
        content = (content or "").strip()
        require(content, _("请填写督办情况。"), "content")
        day = date or step.today
        require(day <= step.today, _("督办日期不能晚于今天。"), "date")
        record = Supervision.objects.create(
            proposal=step.proposal, supervisor=user, date=day, content=content
        )
        step.event = events.supervised(record.pk, content)
    return record
