"""A real Celery worker on the real Redis broker, and celery beat's scheduler by hand.

``celery_worker_thread`` runs celery's own embedded test worker
(``celery.contrib.testing.worker.start_worker``: solo pool, in a thread of this
process) on a queue of its own, with the app switched to non-eager for the test, so
every ``delay()`` — the test's and the tasks' own — goes through the broker and runs
in that thread. ``beat`` sends a ``CELERY_BEAT_SCHEDULE`` entry the way ``celery beat``
does: a ``celery.beat.Scheduler`` finds the entry due and ``tick()`` publishes it.

The worker thread has its own database connection, so it sees committed rows only:
use these fixtures in tests marked ``django_db(transaction=True,
serialized_rollback=True)`` (serialized: the flush at the end must not lose the
migrations' role groups for later tests; see ``tests/conftest.py``). Build the test's
data before the worker starts (a fixture that depends on the data and then asks for
``celery_worker_thread``): the data's own e-mails are then sent eagerly, before
anything is measured. The locmem outbox (``django.core.mail.outbox``) is a module
global, so the worker's e-mails land in ``mailoutbox`` too.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from celery import signals
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from celery.worker import WorkController
from django.db import connection, connections
from django.db.backends.signals import connection_created

from cppcc.celery import app

CELERY_LOG_ENV = (
    "CELERY_LOG_LEVEL",
    "CELERY_LOG_FILE",
    "_MP_FORK_LOGLEVEL_",
    "_MP_FORK_LOGFILE_",
    "_MP_FORK_LOGFORMAT_",
)


@dataclass
class WorkerThread:
    """The running worker, its queue, and what it has run so far."""

    queue: str
    controller: WorkController | None = None
    # (task name, thread name, state) of each task the worker finished, in order
    # (the start-up ping not included).
    ran: list[tuple[str, str, str]] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)  # their results are forgotten at the end
    threads: set[int] = field(default_factory=set)  # idents of the threads that ran tasks
    backend_pids: set[int] = field(default_factory=set)  # PostgreSQL backends they opened

    def wait_for(self, condition: Callable[[], object], timeout: float, what: str) -> None:
        """Poll ``condition`` until it is true; fail with ``what`` after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(
                    f"timed out after {timeout} s waiting for {what}; worker ran {self.ran}"
                )
            time.sleep(0.05)


@pytest.fixture
def celery_worker_thread() -> Iterator[WorkerThread]:
    """A Celery worker thread consuming a fresh queue on the real broker (non-eager app)."""
    if connection.in_atomic_block:
        pytest.fail(
            "celery_worker_thread needs committed data: mark the test "
            "django_db(transaction=True, serialized_rollback=True)"
        )
    # The embedded worker's ping check runs this task; importing it registers it.
    import celery.contrib.testing.tasks  # noqa: F401

    queue = f"cppcc-test-{uuid.uuid4().hex[:12]}"
    saved = {
        key: app.conf[key]
        for key in (
            "task_always_eager",
            "task_default_queue",
            "task_routes",
            "worker_enable_remote_control",
        )
    }
    saved_selection = app.amqp.queues._consume_from
    saved_env = {key: os.environ.get(key) for key in CELERY_LOG_ENV}
    main_thread = threading.get_ident()
    handle = WorkerThread(queue=queue)

    def keep_logging(**_kwargs) -> None:
        """A receiver here stops celery from replacing the root logger's handlers."""

    def before_task(**_kwargs) -> None:
        if threading.get_ident() != main_thread:
            handle.threads.add(threading.get_ident())

    def on_connect(sender=None, connection=None, **_kwargs) -> None:
        if threading.get_ident() in handle.threads:
            handle.backend_pids.add(connection.connection.info.backend_pid)

    def after_task(sender=None, task_id=None, state=None, **_kwargs) -> None:
        if threading.get_ident() not in handle.threads:
            return  # an eager task in the test's thread: never close the test's connection
        # The worker thread's connections: closed after each task, so none is left open
        # when the thread ends (celery's Django fix-up does the same once installed).
        connections.close_all()
        handle.ran.append((sender.name, threading.current_thread().name, state))
        handle.task_ids.append(task_id)

    signals.setup_logging.connect(keep_logging, weak=False)
    signals.task_prerun.connect(before_task, weak=False)
    signals.task_postrun.connect(after_task, weak=False)
    connection_created.connect(on_connect, weak=False, dispatch_uid=queue)
    # A unique queue: no stale message from an earlier run reaches this worker, and no
    # other run's worker on the same Redis database takes this test's tasks.
    app.conf.task_default_queue = queue
    # Every task to that queue, whatever its kind's queue (update() renews the router).
    app.conf.update(task_routes={})
    app.conf.task_always_eager = False
    # No pidbox: another run's broadcast (e.g. "shutdown") cannot reach this worker.
    app.conf.worker_enable_remote_control = False
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=True,  # a round trip through broker and result backend
            shutdown_timeout=10,
        ) as controller:
            # Celery's logging set-up routed warnings to the log; give them back to pytest.
            logging.captureWarnings(False)
            handle.controller = controller
            handle.wait_for(lambda: handle.ran, timeout=5, what="the ping task's end")
            handle.ran.clear()
            yield handle
    finally:
        signals.setup_logging.disconnect(keep_logging)
        signals.task_prerun.disconnect(before_task)
        signals.task_postrun.disconnect(after_task)
        connection_created.disconnect(dispatch_uid=queue)
        for key, value in saved.items():
            app.conf[key] = value
        app.conf.update(task_routes=saved["task_routes"])
        app.amqp.queues._consume_from = saved_selection
        declared = app.amqp.queues.pop(queue, None)
        if getattr(app.amqp.__dict__.get("default_queue"), "name", None) == queue:
            del app.amqp.__dict__["default_queue"]  # cached while the queue was the default
        with app.connection_for_write() as conn:
            if declared is not None:
                # Declared on this connection first, so that its bindings go too.
                bound = declared(conn.default_channel)
                bound.declare()
                bound.delete()
        for task_id in handle.task_ids:
            app.AsyncResult(task_id).forget()
        for key, value in saved_env.items():  # what celery's logging set-up exported
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    _assert_closed(handle.backend_pids)


def _assert_closed(backend_pids: set[int], timeout: float = 5.0) -> None:
    """None of the worker thread's connections to the test database is still open."""
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [list(backend_pids)]
            )
            still_open = [pid for (pid,) in cursor.fetchall()]
        if not still_open:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the worker thread left database connections open: {still_open}")
        time.sleep(0.05)


class Beat:
    """``celery beat``'s own scheduler, loaded from ``CELERY_BEAT_SCHEDULE``."""

    def send(self, name: str, **kwargs) -> AsyncResult:
        """Send entry ``name`` as beat does when it falls due, ``kwargs`` added to it.

        A fresh ``Scheduler`` holds just that entry, last run a year ago (so it is due,
        whatever its schedule); ``tick()`` is one turn of beat's loop: it finds the entry
        due and publishes it with ``Scheduler.apply_async`` (the ``celery_beat_task``
        header and the entry's options). Returns the published task's result.
        """
        if app.conf.task_always_eager:
            pytest.fail("beat.send needs the broker: use it with celery_worker_thread")
        entry = dict(app.conf.beat_schedule[name])
        entry["kwargs"] = {**(entry.get("kwargs") or {}), **kwargs}
        entry["last_run_at"] = app.now() - datetime.timedelta(days=366)
        scheduler = Scheduler(app, lazy=True)
        scheduler.update_from_dict({name: entry})
        published: list[dict] = []

        def record(sender=None, headers=None, **_kwargs) -> None:
            published.append(headers)

        signals.after_task_publish.connect(record, sender=entry["task"], weak=False)
        try:
            scheduler.tick()
        finally:
            signals.after_task_publish.disconnect(record, sender=entry["task"])
            scheduler.close()
        if len(published) != 1:
            pytest.fail(
                f"beat's tick published {len(published)} {name!r} tasks (see celery.beat log)"
            )
        headers = published[0]
        assert headers["task"] == entry["task"] and headers.get("celery_beat_task") is True
        return app.AsyncResult(headers["id"])


@pytest.fixture
def beat() -> Beat:
    return Beat()
