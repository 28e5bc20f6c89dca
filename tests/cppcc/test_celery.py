"""The Celery app: configured from settings, with a beat schedule of registered tasks."""

from __future__ import annotations

from celery.schedules import crontab
from django.conf import settings

from cppcc.celery import app


def test_broker_and_results_come_from_redis_url():
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.result_backend == settings.REDIS_URL
    assert app.conf.task_acks_late is True


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert {"sweep-reminders", "deliver-due-reminders", "close-expired-feedback-windows"} <= set(
        schedule
    )
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name


def test_the_reminder_sweep_runs_every_morning_in_china_time():
    entry = app.conf.beat_schedule["sweep-reminders"]["schedule"]
    assert isinstance(entry, crontab)
    assert entry.hour == {8} and entry.minute == {30}
    assert app.conf.timezone == "Asia/Shanghai"
