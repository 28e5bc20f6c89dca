"""The Celery app: configured from settings, with a beat schedule of registered tasks."""

from __future__ import annotations

from celery.schedules import crontab
from django.conf import settings
from django.db import OperationalError

from cppcc.celery import Task, app


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


def test_every_task_is_retried_when_it_loses_the_database():
    """tests/cppcc/test_faults.py shows it with a worker and a cut connection."""
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 8
    for task in ours:
        assert isinstance(task, Task) and OperationalError in task.autoretry_for, task.name
        assert hasattr(task, "_orig_run"), task.name  # celery's retry wrapper is installed


def test_every_task_has_a_queue_of_its_kind_and_the_compose_worker_takes_them_all():
    import yaml

    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    routes = app.conf.task_routes
    assert ours == set(routes), ours ^ set(routes)
    assert {r["queue"] for r in routes.values()} == {"reminders", "delivery", "exports", "indexing"}
    assert app.amqp.router.route({}, "proposals.exports.tasks.build_export")["queue"].name == (
        "exports"
    )
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"].split()
    consumed = set(command[command.index("-Q") + 1].split(","))
    assert consumed == {app.conf.task_default_queue, *settings.CELERY_QUEUES_BY_KIND}
    # A worker started without -Q (docs) takes every queue too.
    assert {q.name for q in app.conf.task_queues} == consumed
