"""Which award rounds a user sees, decided here only.

Staff and administrators see every round of their committee; a panel member the
rounds they sit on; every active account of the committee the published results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from committees.scoping import committee_ids
from members.capabilities import Capability, may
from proposals.models import AwardRound

if TYPE_CHECKING:
    from members.models import User


def rounds_visible_to(user: User | None) -> QuerySet[AwardRound]:
    if user is None or not user.is_authenticated or not user.is_active:
        return AwardRound.objects.none()
    ids = committee_ids(user)
    in_committee = Q() if ids is None else Q(committee_id__in=ids)
    if may(user, Capability.MANAGE_AWARDS):
        q = in_committee
    else:
        q = (in_committee & Q(status=AwardRound.Status.PUBLISHED)) | Q(reviewers=user)
    # ``reviewers`` joins a to-many relation: filter by id rather than distinct().
    return AwardRound.objects.filter(pk__in=AwardRound.objects.filter(q).values("pk"))
