"""Handing work to Celery by task name, after the transaction commits.

Services and domain code call :func:`after_commit` with a task's registered name and
never import task modules (tasks import services, not the other way round). In-process
(``CELERY_TASK_ALWAYS_EAGER``, the demo and the tests) the task runs at once.

A hand-over never fails the request it follows: the work it carries already waits in
an outbox row (a notification not yet e-mailed, a reminder not yet delivered, an export
job), so when the broker cannot be reached the failure is logged, the caller's
``on_error`` may record it, and a periodic recovery task hands the work over once the
broker is back.
"""

from __future__ import annotations

import logging
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


logger = logging.getLogger("cppcc.jobs")


def send(name: str, *args: Any) -> None:
    """Publish once, without kombu's retries: an unreachable broker fails within the
    broker timeouts (``REDIS_TIMEOUT_SECONDS``), it does not hang the caller.

    Nobody waits for a hand-over's result (its outcome is in the outbox row), so none is
    kept: otherwise the result backend subscribes to it at once, and with Redis down that
    retries for about 19 s before the request may go on."""
    task(name).apply_async(args, retry=False, ignore_result=True)


def after_commit(
    name: str, *args: Any, on_error: Callable[[Exception], None] | None = None
) -> None:
    """Send task ``name`` with ``args`` once the surrounding transaction commits (at once
    outside one). ``on_error`` turns a failed hand-over into a recorded failure instead
    of an exception in the committed request."""

    def hand_over() -> None:
        try:
            send(name, *args)
        except Exception as exc:  # the broker is down or refused: the outbox keeps the work
            logger.warning("could not hand %s over to the broker, left pending: %r", name, exc)
            if on_error is not None:
                on_error(exc)

    transaction.on_commit(hand_over)
