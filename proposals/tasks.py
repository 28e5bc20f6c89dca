"""Celery tasks. They only deliver; state changes stay in ``proposals.services``."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from committees.workcalendar import Calendars
from proposals.models import Notification
from proposals.reminders import delivery, sweep
from proposals.services import feedback
from proposals.text import routing

# Notification e-mails are recovered for a day, no longer: an older notice is read in the app.
EMAIL_RECOVERY_WITHIN = datetime.timedelta(days=1)


def _email_one(notification_id: int) -> bool:
    """E-mail one notification unless it was already (row lock: sent once even when the
    first hand-over and the recovery run at the same time)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=notification_id, emailed_at__isnull=True)
            .select_related("user")
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        send_mail(
            subject=f"[提案系统] {notification.message[:60]}",
            message=notification.message,
            from_email=None,
            recipient_list=[notification.user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def email_notifications(self, notification_ids: list[int]) -> int:
    """E-mail each notification to its user once; returns how many were sent."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += _email_one(notification_id)
        except OSError as exc:
            raise self.retry(exc=exc) from exc
    return sent


@shared_task
def email_pending_notifications() -> int:
    """The recovery of notification e-mails whose hand-over failed (broker down): those
    written a while ago, within a day, to a user with an address, still not e-mailed."""
    now = timezone.now()
    # Not before the first hand-over (right after the commit) has had its chance.
    after = datetime.timedelta(seconds=settings.EMAIL_RECOVERY_AFTER_SECONDS)
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - after,
            created_at__gte=now - EMAIL_RECOVERY_WITHIN,
        )
        .exclude(user__email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_email_one(pk) for pk in ids)


@shared_task
def close_expired_feedback_windows() -> list[int]:
    """Close proposals whose feedback window passed without the lead proposer's word."""
    return feedback.close_expired_feedback_windows()


@shared_task(acks_late=True)
def sweep_reminders(today: str | None = None) -> dict:
    """Beat's daily sweep: record today's reminders and queue their delivery."""
    day = datetime.date.fromisoformat(today) if today else None
    result = sweep.sweep(day)
    return {
        "today": result.today.isoformat(),
        "scanned": result.scanned,
        "recorded": result.recorded,
        "dispatched": result.dispatched,
        "leftovers": result.leftovers,
    }


@shared_task(acks_late=True)
def deliver_reminders(ids: list[int]) -> dict[str, int]:
    """Deliver outbox rows; safe to run twice for the same ids."""
    return delivery.deliver_many(ids)


@shared_task
def deliver_due_reminders() -> int:
    """Every few minutes: retries that are due, and rows a crash left pending."""
    calendars = Calendars(timezone.localdate())
    return sweep.hand_over_pending(timezone.now(), calendars, sweep.enqueue_delivery)


@shared_task(ignore_result=True)
def train_text_model() -> tuple[int, int]:
    """Nightly: retrain the similar-proposal and unit-suggestion model on the day's work."""
    return routing.train()
