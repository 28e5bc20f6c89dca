"""In-app notifications, written with the change; e-mail copies leave after commit.

The notification row is the outbox: it is written in the action's transaction, so a
rolled-back action leaves none behind, and delivery (e-mail, later SMS) is queued
with ``transaction.on_commit`` — never sent while the proposal row is locked.
"""

from __future__ import annotations

from collections.abc import Iterable

from cppcc import jobs
from members.models import User
from members.roles import Role
from proposals.models import Notification, Proposal


def notify(users: Iterable[User | int], proposal: Proposal | None, verb: str, message: str) -> None:
    """Record a notification for each user; e-mail them once the transaction commits."""
    user_ids = sorted({u if isinstance(u, int) else u.pk for u in users if u is not None})
    if not user_ids:
        return
    rows = Notification.objects.bulk_create(
        [
            Notification(user_id=uid, proposal=proposal, verb=verb, message=message)
            for uid in user_ids
        ]
    )
    ids = [row.pk for row in rows if row.pk is not None]
    if ids:
        jobs.after_commit("proposals.tasks.email_notifications", ids)


def committee_staff(committee_id: int) -> list[int]:
    return list(
        User.objects.filter(
            committee_id=committee_id, is_active=True, groups__name=Role.STAFF
        ).values_list("pk", flat=True)
    )


def unit_contacts(unit_id: int) -> list[int]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True).values_list("pk", flat=True))
