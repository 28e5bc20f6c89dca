"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery import Task as BaseTask
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc.settings")


class Task(BaseTask):
    """Every task of the project: one that loses its database connection (PostgreSQL
    restarting, a failover, a cut network) is retried with a growing delay — 2, 4, 8 …
    256 s, about eight minutes in all — instead of failing. The retry is a new message,
    and celery's Django fix-up closes the old connection before each task, so the retry
    connects afresh. Tasks only deliver or record idempotently, so running again is safe."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = False
    max_retries = 8


app = Celery("cppcc", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
