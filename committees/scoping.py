"""Which committees a user works in — the tenant boundary, decided here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from committees.models import Committee
from members.capabilities import Capability, may

if TYPE_CHECKING:
    from members.models import User


def committee_ids(user: User | None) -> set[int] | None:
    """Committees whose work the user may see; ``None`` means every committee (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return {user.committee_id} if user.committee_id else set()


def statistics_committee_ids(user: User | None) -> set[int] | None:
    """Committees whose statistics the user may see: city staff also see their counties."""
    own = committee_ids(user)
    if own is None or not own:
        return own
    if not may(user, Capability.SEE_STATISTICS):
        return own
    children = Committee.objects.filter(parent_id__in=own).values_list("id", flat=True)
    return own | set(children)


def restrict_to_committees(queryset: QuerySet, user: User | None, field: str = "committee"):
    """Filter any committee-owned queryset to the user's committees."""
    ids = committee_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})
