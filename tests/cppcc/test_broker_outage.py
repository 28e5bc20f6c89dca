"""A broker outage loses nothing: the action succeeds, its e-mails wait in their outbox
rows, and the recovery task sends each exactly once when the broker is back."""

from __future__ import annotations

import datetime

import pytest
from celery import Celery, current_app
from django.core import mail

from proposals import tasks
from proposals.models import Notification
from proposals.services import drafting
from tests import flows

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    """A Celery app like the site's, publishing for real (not eagerly) to a port nobody
    listens on; made current for the test only, so the site's app and its connections
    are left alone."""
    previous = current_app._get_current_object()
    down = Celery("cppcc-broker-down")
    down.config_from_object("django.conf:settings", namespace="CELERY")
    down.conf.broker_url = down.conf.result_backend = CLOSED_PORT
    down.conf.task_always_eager = False
    down.set_current()
    yield down
    previous.set_current()
    down.close()


def test_an_action_succeeds_and_its_emails_wait_while_the_broker_is_down(
    world, broker_down, django_capture_on_commit_callbacks, fixed_clock, caplog
):
    p = flows.draft(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(world.member.user, p, today=flows.DAY)  # no exception
    p.refresh_from_db()
    assert p.state == "submitted"
    waiting = Notification.objects.filter(verb="cosign_invited", emailed_at__isnull=True)
    assert waiting.count() == 1 and mail.outbox == []
    assert "left pending" in caplog.text

    # Too fresh for the recovery: the first hand-over gets its chance first.
    assert tasks.email_pending_notifications() == 0
    fixed_clock.shift(datetime.timedelta(minutes=3))
    assert tasks.email_pending_notifications() == 1
    assert [m.to for m in mail.outbox] == [[world.cosigner.user.email]]
    # Sent once: neither the recovery again nor a late first hand-over send it twice.
    assert tasks.email_pending_notifications() == 0
    assert (
        tasks.email_notifications.run(list(waiting.model.objects.values_list("pk", flat=True))) == 0
    )
    assert len(mail.outbox) == 1


def test_a_day_old_notification_is_not_mailed_any_more(world, fixed_clock):
    p = flows.draft(world)
    drafting.submit(world.member.user, p, today=flows.DAY)
    Notification.objects.update(emailed_at=None)
    fixed_clock.shift(datetime.timedelta(days=2))
    assert tasks.email_pending_notifications() == 0
