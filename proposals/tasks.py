"""Celery tasks. They only deliver; state changes stay in ``proposals.services``."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from proposals.models import Notification


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
    from proposals.services.feedback import close_expired_feedback_windows as close_expired

    return close_expired()
