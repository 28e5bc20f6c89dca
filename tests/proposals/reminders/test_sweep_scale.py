"""The sweep's cost: a constant number of queries per batch; two sweeps at once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from proposals.models import Deadline, Notification, Reminder
from proposals.reminders.delivery import deliver_many
from proposals.reminders.sweep import Row, _insert_portable, _insert_postgresql, sweep
from proposals.services import supervision
from tests import flows
from tests.factories import World

DUE = datetime.date(2025, 6, 10)


def clone_deadlines(template: Deadline, count: int) -> None:
    Deadline.objects.bulk_create(
        [
            Deadline(
                proposal_id=template.proposal_id,
                assignment_id=template.assignment_id,
                kind=template.kind,
                start_date=template.start_date,
                due_date=template.due_date,
                rule=template.rule,
            )
            for _ in range(count)
        ]
    )


def sweep_queries(batch_size: int) -> tuple[int, int]:
    Reminder.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        result = sweep(DUE, dispatch=lambda ids: None, batch_size=batch_size)
    return len(ctx.captured_queries), result.batches


@pytest.mark.django_db
def test_queries_grow_with_batches_not_with_deadlines_or_reminders(world):
    p = flows.assigned(world, with_co=False)
    supervision.mark_key(world.staff, p, supervisors=[world.supervisor.pk])
    reply = Deadline.objects.get(proposal=p, kind="reply", assignment__role="lead")
    clone_deadlines(reply, 39)  # 40 reply deadlines due today, each reminding 2 people
    small, small_batches = sweep_queries(batch_size=40)
    large, large_batches = sweep_queries(batch_size=10)
    assert Reminder.objects.filter(for_date=DUE).count() == 80
    per_batch = (large - small) / (large_batches - small_batches)
    # Read the batch, its key proposals' supervisors, one INSERT … RETURNING — plus the
    # SAVEPOINT/RELEASE pair of the batch's transaction inside the test's own.
    assert per_batch == 5
    # The same 40 deadlines in 1 batch or 4 cost the same set-up; only batches add queries.
    assert small - small_batches * per_batch == large - large_batches * per_batch


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_sweeping_at_once_record_and_send_each_reminder_once(mailoutbox):
    world = World.build()
    for _ in range(6):
        flows.assigned(world, with_co=False)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            barrier.wait()
            sweep(DUE, dispatch=lambda ids: deliver_many(ids))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    reminders = Reminder.objects.filter(for_date=DUE)
    assert reminders.count() == 6
    assert set(reminders.values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.filter(verb="reminder").count() == 6
    # (The workflow's own notifications were e-mailed too: this test commits.)
    assert len([m for m in mailoutbox if m.subject == "[提案系统] 办理提醒"]) == 6


@pytest.mark.django_db
def test_the_portable_insert_used_on_sqlite_skips_existing_keys(world):
    """The demo's path (bulk_create ignoring conflicts) gives the same outcome."""
    flows.assigned(world, with_co=False)
    assert sweep(DUE, dispatch=lambda ids: None).recorded == 1
    stored = Reminder.objects.get()
    existing = Row(
        key=stored.key,
        kind=stored.kind,
        threshold=stored.threshold,
        audience=stored.audience,
        user_id=stored.user_id,
        proposal_id=stored.proposal_id,
        assignment_id=stored.assignment_id,
        deadline_id=stored.deadline_id,
        cosigner_id=None,
        due_date=DUE,
        for_date=DUE,
        message=stored.message,
        channels=stored.channels,
    )
    new = existing._replace(key=f"{existing.key}-other")
    assert len(_insert_portable([existing, new])) == 1
    assert _insert_portable([existing, new]) == []
    assert _insert_postgresql([existing, new]) == []
    assert Reminder.objects.count() == 2
