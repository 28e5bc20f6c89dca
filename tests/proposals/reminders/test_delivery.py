"""Exactly once: the outbox, crashes between recording and sending, retries, SMS."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from proposals.models import Notification, Reminder
from proposals.reminders.delivery import deliver, deliver_many
from proposals.reminders.sms import MemorySMSBackend
from tests import flows
from tests.proposals.reminders.helpers import crash, run

D = datetime.date
DUE = D(2025, 6, 10)  # the reply deadline of flows.assigned
pytestmark = pytest.mark.django_db

REFUSING = "tests.proposals.reminders.failing_backends.RefusingEmailBackend"
CRASHING = "tests.proposals.reminders.failing_backends.CrashingEmailBackend"


@pytest.fixture
def due_today(world):
    flows.assigned(world, with_co=False)
    return world


def reminder_notifications() -> int:
    return Notification.objects.filter(verb="reminder").count()


def test_delivery_writes_one_notification_and_one_email_per_reminder(due_today, mailoutbox):
    result = run(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    assert result.recorded == 1
    assert reminder.status == "sent" and reminder.sent_at and reminder.emailed_at
    assert reminder.notification.user == due_today.lead_handler
    assert reminder.notification.message == reminder.message
    assert [m.to for m in mailoutbox] == [[due_today.lead_handler.email]]
    assert "答复期限为今天" in mailoutbox[0].body
    # Delivering the same id again (a retried task, a second worker) does nothing.
    assert deliver(reminder.pk) == "skipped"
    assert len(mailoutbox) == 1 and reminder_notifications() == 1


def test_a_crash_between_recording_and_sending_is_completed_by_the_next_sweep(
    due_today, mailoutbox
):
    first = crash(DUE)
    pending = Reminder.objects.get(for_date=DUE, kind="reply")
    assert first.recorded == 1 and pending.status == "pending"
    assert mailoutbox == [] and reminder_notifications() == 0
    # Beat runs again (same day, or the retry task): the pending row is delivered once.
    second = run(DUE)
    assert second.recorded == 0 and second.leftovers == 1
    pending.refresh_from_db()
    assert pending.status == "sent"
    assert len(mailoutbox) == 1 and reminder_notifications() == 1
    run(DUE)
    assert len(mailoutbox) == 1 and reminder_notifications() == 1


def test_a_worker_killed_mid_delivery_leaves_nothing_half_written(due_today, mailoutbox, settings):
    crash(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    settings.EMAIL_BACKEND = CRASHING
    with pytest.raises(SystemExit):
        deliver(reminder.pk)
    reminder.refresh_from_db()
    # The notification written before the crash was rolled back with the rest.
    assert reminder.status == "pending" and reminder.notification is None
    assert reminder_notifications() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(DUE)
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder_notifications() == 1 and len(mailoutbox) == 1


def test_a_refused_email_is_retried_with_backoff_then_marked_failed(due_today, settings):
    settings.EMAIL_BACKEND = REFUSING
    settings.REMINDER_POLICY = {"retry_minutes": [5, 30]}
    crash(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    now = timezone.now()
    assert deliver(reminder.pk, now=now) == "retry"
    reminder.refresh_from_db()
    assert reminder.attempts == 1 and reminder.status == "pending"
    assert reminder.next_attempt_at == now + datetime.timedelta(minutes=5)
    assert "550" in reminder.last_error
    # The in-app notification went out at the first attempt, and only then.
    assert reminder.notification is not None
    assert deliver(reminder.pk, now=now + datetime.timedelta(minutes=1)) == "skipped"
    assert deliver(reminder.pk, now=now + datetime.timedelta(minutes=6)) == "retry"
    reminder.refresh_from_db()
    assert reminder.next_attempt_at == now + datetime.timedelta(minutes=6 + 30)
    assert deliver(reminder.pk, now=now + datetime.timedelta(minutes=40)) == "failed"
    reminder.refresh_from_db()
    assert reminder.status == "failed" and reminder.attempts == 3
    assert reminder_notifications() == 1


def test_a_retry_that_succeeds_sends_the_email_once(due_today, settings, mailoutbox):
    settings.EMAIL_BACKEND = REFUSING
    crash(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    deliver(reminder.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=timezone.now())
    assert deliver_many([reminder.pk, reminder.pk]) == {"sent": 1, "skipped": 1}
    assert len(mailoutbox) == 1 and reminder_notifications() == 1


def test_sms_goes_out_once_one_working_day_remains_and_only_to_a_phone(due_today, settings):
    settings.SMS_BACKEND = "proposals.reminders.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    handler = due_today.lead_handler
    handler.phone = "13800000000"
    handler.save()
    run(D(2025, 6, 3))  # 5 working days before: no SMS
    assert MemorySMSBackend.outbox == []
    run(D(2025, 6, 9))  # 1 working day before
    assert MemorySMSBackend.outbox == [
        ("13800000000", Reminder.objects.get(for_date=D(2025, 6, 9)).message)
    ]
    reminder = Reminder.objects.get(for_date=D(2025, 6, 9))
    assert reminder.sms_sent_at is not None and reminder.status == "sent"


def test_no_address_is_recorded_not_retried(due_today, mailoutbox):
    handler = due_today.lead_handler
    handler.email = ""
    handler.save()
    run(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    assert reminder.status == "sent" and reminder.skipped == ["email", "sms"]  # no phone either
    assert mailoutbox == [] and reminder.notification is not None


def test_a_broken_sms_gateway_is_retried_without_resending_the_email(
    due_today, settings, mailoutbox
):
    settings.SMS_BACKEND = "tests.proposals.reminders.failing_backends.BrokenSMSBackend"
    handler = due_today.lead_handler
    handler.phone = "13800000000"
    handler.save()
    crash(DUE)
    reminder = Reminder.objects.get(for_date=DUE, kind="reply")
    assert deliver(reminder.pk) == "retry"
    settings.SMS_BACKEND = "proposals.reminders.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=timezone.now())
    assert deliver(reminder.pk) == "sent"
    assert len(mailoutbox) == 1 and len(MemorySMSBackend.outbox) == 1
