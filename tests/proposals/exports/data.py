"""Many filed proposals at once (bulk inserts), for exports that must take a while."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from proposals.choices import Category, CosignerStatus, State, UnitRole
from proposals.models import Assignment, Cosigner, NumberSequence, Proposal
from tests.factories import World

FILED_ON = timezone.make_aware(datetime.datetime(2025, 3, 10, 9, 30))


def bulk_filed(w: World, count: int) -> list[Proposal]:
    """``count`` assigned proposals of ``w.member`` with a co-signer, a lead and a co-unit.

    Test data only: rows are inserted directly, not through the services; their numbers
    come from the session's counter, so later filings carry on after them.
    """
    counter, _created = NumberSequence.objects.get_or_create(session=w.session)
    start = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    categories = itertools.cycle(Category.values)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            committee=w.committee,
            session=w.session,
            kind="plenary",
            title=f"关于第{i}项民生实事的提案",
            background=f"情况分析第{i}段。\n第二段。",
            suggestions=f"一、建议{i}。\n二、再建议。",
            category=next(categories),
            source="member",
            proposer=w.member.user,
            sector=w.sector,
            state=State.ASSIGNED,
            number=f"14-2-{i:04d}",
            sequence=i,
            submitted_at=FILED_ON,
            filed_at=FILED_ON,
        )
        for i in range(start, start + count)
    )
    Cosigner.objects.bulk_create(
        Cosigner(proposal=p, member=w.cosigner, status=CosignerStatus.CONFIRMED) for p in proposals
    )
    Assignment.objects.bulk_create(
        Assignment(proposal=p, unit=unit, role=role, assigned_on=FILED_ON.date())
        for p in proposals
        for unit, role in ((w.units[0], UnitRole.LEAD), (w.units[1], UnitRole.CO))
    )
    return proposals
