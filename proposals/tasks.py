"""Celery tasks. They only deliver; state changes stay in ``proposals.services``."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from proposals.models import Notification
from proposals.reminders import delivery, sweep
from proposals.services import feedback


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def email_notifications(self, notification_ids: list[int]) -> int:
    """E-mail each notification to its user once; returns how many were sent."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user", "proposal")
    for notification in pending:
        address = notification.user.email
        if not address:
            continue
        try:
            send_mail(
                subject=f"[提案系统] {notification.message[:60]}",
                message=notification.message,
                from_email=None,
                recipient_list=[address],
            )
        except OSError as exc:
            raise self.retry(exc=exc) from exc
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


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
    calendars = sweep.Calendars(timezone.localdate())
    return sweep.hand_over_pending(timezone.now(), calendars, sweep.enqueue_delivery)
