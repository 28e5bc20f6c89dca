"""Handing work to Celery by task name, after the transaction commits.

Services and domain code call :func:`after_commit` with a task's registered name and
never import task modules (tasks import services, not the other way round). In-process
(``CELERY_TASK_ALWAYS_EAGER``, the demo and the tests) the task runs at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import current_app
from django.db import transaction


def task(name: str):
    """The registered task ``name``, importing the task modules on first use."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def send(name: str, *args: Any) -> None:
    task(name).apply_async(args)


def after_commit(
    name: str, *args: Any, on_error: Callable[[Exception], None] | None = None
) -> None:
    """Send task ``name`` with ``args`` once the surrounding transaction commits (at once
    outside one). ``on_error`` turns a failed hand-over into a recorded failure instead
    of an exception in the committed request."""

    def hand_over() -> None:
        if on_error is None:
            send(name, *args)
            return
        try:
            send(name, *args)
        except Exception as exc:
            on_error(exc)

    transaction.on_commit(hand_over)
