"""Delivering outbox rows: in-app notification, e-mail, SMS — each exactly once.

One reminder is delivered in one transaction that holds its row lock
(``SELECT … FOR UPDATE SKIP LOCKED``): a second worker handed the same id skips it
while it is being delivered and finds it ``sent`` afterwards. The in-app
notification is a row written in that same transaction, so it exists once.

The one window left: the mail server (or SMS gateway) accepted a message and the
worker died before the transaction committed. The row is still pending, and the
next sweep sends it again — a duplicate e-mail, never a lost one. Nothing in SMTP
lets us close that window; it is as wide as one commit.

A failed e-mail or SMS is retried after ``policy.retry_minutes`` (the periodic
``deliver_due_reminders`` task picks it up); when the delays are used up the
reminder is marked failed and appears on the staff's failed-reminder list.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.choices import ReminderStatus
from proposals.models import Notification, Reminder
from proposals.reminders import sms
from proposals.reminders.policy import EMAIL, SMS, ReminderPolicy, current_policy

logger = logging.getLogger("cppcc.reminders")


def deliver_many(
    ids: list[int], now: datetime.datetime | None = None, policy: ReminderPolicy | None = None
) -> dict[str, int]:
    """Deliver each id in its own transaction; returns counts by outcome.

    One mail connection serves the whole list (SMTP would otherwise log in per message).
    """
    counts: dict[str, int] = {}
    with get_connection() as mail:
        for pk in ids:
            outcome = deliver(pk, now=now, policy=policy, mail=mail)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def deliver(
    reminder_id: int,
    now: datetime.datetime | None = None,
    policy: ReminderPolicy | None = None,
    mail: BaseEmailBackend | None = None,
) -> str:
    """Deliver one reminder; returns 'sent', 'retry', 'failed' or 'skipped'."""
    policy = policy or current_policy()
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=reminder_id, status=ReminderStatus.PENDING)
            .first()
        )
        if reminder is None:
            return "skipped"  # delivered already, or being delivered right now
        if reminder.next_attempt_at and reminder.next_attempt_at > now:
            return "skipped"  # its retry is not due yet
        if reminder.notification_id is None:
            reminder.notification = Notification.objects.create(
                user=reminder.user,
                proposal_id=reminder.proposal_id,
                verb="reminder",
                message=reminder.message,
            )
        errors = []
        for channel, sender in ((EMAIL, _send_email), (SMS, _send_sms)):
            if channel not in reminder.channels or _done(reminder, channel):
                continue
            try:
                if not sender(reminder, now, mail):
                    reminder.skipped = [*reminder.skipped, channel]
            except Exception as exc:  # a gateway may raise anything; record it, retry later
                logger.warning("reminder %s: %s failed: %s", reminder.pk, channel, exc)
                errors.append(f"{channel}: {exc}")
        if errors:
            reminder.attempts += 1
            reminder.last_error = "; ".join(errors)[:300]
            if reminder.attempts > len(policy.retry_minutes):
                reminder.status = ReminderStatus.FAILED
                reminder.next_attempt_at = None
                outcome = "failed"
            else:
                delay = policy.retry_minutes[reminder.attempts - 1]
                reminder.next_attempt_at = now + datetime.timedelta(minutes=delay)
                outcome = "retry"
        else:
            reminder.status = ReminderStatus.SENT
            reminder.sent_at = now
            reminder.next_attempt_at = None
            outcome = "sent"
        reminder.save()
    return outcome


def _done(reminder: Reminder, channel: str) -> bool:
    if channel in reminder.skipped:
        return True
    return (reminder.emailed_at if channel == EMAIL else reminder.sms_sent_at) is not None


def _send_email(reminder: Reminder, now: datetime.datetime, mail: BaseEmailBackend | None) -> bool:
    if not reminder.user.email:
        return False
    send_mail(
        subject=_("[提案系统] 办理提醒"),
        message=reminder.message,
        from_email=None,
        recipient_list=[reminder.user.email],
        connection=mail,
    )
    reminder.emailed_at = now
    return True


def _send_sms(reminder: Reminder, now: datetime.datetime, _mail: BaseEmailBackend | None) -> bool:
    if not reminder.user.phone:
        return False
    sms.get_backend().send(reminder.user.phone, reminder.message)
    reminder.sms_sent_at = now
    return True
