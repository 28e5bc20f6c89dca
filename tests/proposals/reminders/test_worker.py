"""The daily sweep end to end: beat's entry → Redis → a real worker → delivery tasks.

The same scene as ``test_thresholds``: a proposal assigned on 2025-03-10, its reply due
2025-06-10. On that day beat's "sweep-reminders" entry (given the frozen date) records
the reminders, and the delivery tasks the sweep queues — also through the broker, also
in the worker — e-mail them and create their in-app notifications. A second sweep the
same day finds nothing new.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection

from cppcc.celery import app
from proposals.choices import ReminderStatus
from proposals.models import Notification, Reminder
from tests import flows
from tests.factories import World

DAY = "2025-06-10"
SWEEP = "proposals.tasks.sweep_reminders"
DELIVER = "proposals.tasks.deliver_reminders"
REMINDER_SUBJECT = "[提案系统] 办理提醒"


@pytest.fixture
def scene() -> World:
    """Committed before the worker starts; its own notices are e-mailed eagerly."""
    w = World.build()
    p = flows.assigned(w)
    assert p.deadlines.get(kind="reply", is_open=True).due_date == datetime.date(2025, 6, 10)
    return w


@pytest.fixture
def worker(scene, request):
    """The worker, started once ``scene`` is in the database."""
    return request.getfixturevalue("celery_worker_thread")


def test_beat_entry_is_the_daily_sweep():
    entry = app.conf.beat_schedule["sweep-reminders"]
    assert entry is settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]
    assert entry["task"] == SWEEP and SWEEP in app.tasks
    assert not entry.get("args") and not entry.get("kwargs")  # beat passes no date


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_sweep_goes_through_the_broker_and_the_worker_delivers(
    scene, worker, beat, mailoutbox
):
    w = scene
    assert not app.conf.task_always_eager
    mails_before = len(mailoutbox)
    notifications_before = set(Notification.objects.values_list("pk", flat=True))

    first = beat.send("sweep-reminders", today=DAY)
    assert first.get(timeout=10) == {
        "today": DAY,
        "scanned": 4,  # open deadlines: reply, co-opinion, the two re-routing windows
        "recorded": 3,
        "dispatched": 3,
        "leftovers": 0,
    }
    pending = Reminder.objects.filter(status=ReminderStatus.PENDING)
    worker.wait_for(lambda: not pending.exists(), timeout=30, what="the reminders' delivery")
    worker.wait_for(lambda: len(worker.ran) >= 2, timeout=5, what="the delivery task's end")

    # The sweep and the delivery it queued both ran in the worker thread, via the broker.
    assert [(name, state) for name, _thread, state in worker.ran] == [
        (SWEEP, "SUCCESS"),
        (DELIVER, "SUCCESS"),
    ]
    assert all(thread != "MainThread" for _name, thread, _state in worker.ran)
    # ... on database connections of its own (closed after each task, checked at the end).
    connection.ensure_connection()
    assert worker.backend_pids
    assert connection.connection.info.backend_pid not in worker.backend_pids

    # Today's reminders: the lead handler's "reply due today"; the co-unit's opinion,
    # due 2025-04-10, is 40 working days overdue for its handler and the staff.
    reminders = Reminder.objects.filter(for_date=DAY)
    assert sorted(reminders.values_list("kind", "threshold", "user_id", "status")) == sorted(
        [
            ("reply", "due", w.lead_handler.pk, "sent"),
            ("co_opinion", "overdue:40", w.co_handler.pk, "sent"),
            ("co_opinion", "overdue:40", w.staff.pk, "sent"),
        ]
    )
    assert Reminder.objects.count() == 3
    lead = reminders.get(user=w.lead_handler)
    assert lead.sent_at is not None and lead.emailed_at is not None
    assert "答复期限为今天（2025-06-10）" in lead.message

    # The worker thread's e-mails are in this process's locmem outbox.
    mails = mailoutbox[mails_before:]
    assert sorted(m.to[0] for m in mails) == sorted(
        [w.lead_handler.email, w.co_handler.email, w.staff.email]
    )
    assert all(m.subject == REMINDER_SUBJECT and len(m.to) == 1 for m in mails)
    lead_mail = next(m for m in mails if m.to == [w.lead_handler.email])
    assert lead_mail.body == lead.message

    # One in-app notification per reminder, linked to it.
    notifications = Notification.objects.exclude(pk__in=notifications_before)
    assert sorted(notifications.values_list("user_id", "verb")) == sorted(
        [(w.lead_handler.pk, "reminder"), (w.co_handler.pk, "reminder"), (w.staff.pk, "reminder")]
    )
    assert set(reminders.values_list("notification_id", flat=True)) == set(
        notifications.values_list("pk", flat=True)
    )

    # The same entry again the same day: nothing recorded, nothing handed to delivery.
    second = beat.send("sweep-reminders", today=DAY)
    assert second.get(timeout=10) == {
        "today": DAY,
        "scanned": 4,
        "recorded": 0,
        "dispatched": 0,
        "leftovers": 0,
    }
    worker.wait_for(lambda: len(worker.ran) >= 3, timeout=5, what="the second sweep's end")
    assert [name for name, _thread, _state in worker.ran] == [SWEEP, DELIVER, SWEEP]
    assert Reminder.objects.count() == 3
    assert not Reminder.objects.exclude(status=ReminderStatus.SENT).exists()
    assert len(mailoutbox) == mails_before + 3
    assert Notification.objects.exclude(pk__in=notifications_before).count() == 3
