"""The audit trail is append-only in PostgreSQL itself: raw SQL cannot rewrite the event
log or a delivered reminder (proposals migration 0006); only the named jobs may delete."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from cppcc.db import set_local
from proposals.models import Notification, ProposalEvent, Reminder
from tests import flows
from tests.proposals.reminders.helpers import crash, run

DUE = datetime.date(2025, 6, 10)  # the reply deadline of flows.assigned


def raw(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_rewrite_or_delete_an_event(world):
    p = flows.submitted(world)
    event = p.events.first()
    for sql in (
        "UPDATE proposals_proposalevent SET data = '{}' WHERE id = %s",
        "UPDATE proposals_proposalevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM proposals_proposalevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="办理记录只能追加"):
            raw(sql, event.pk)
    assert ProposalEvent.objects.get(pk=event.pk).data == event.data
    # Appending stays possible, of course.
    raw(
        "INSERT INTO proposals_proposalevent (proposal_id, action, from_state, to_state, data,"
        " created_at) VALUES (%s, 'edit', 'draft', 'draft', '{}', now())",
        p.pk,
    )
    with transaction.atomic():  # the retention purge's door does not open the event log
        set_local("cppcc.retention")
        with pytest.raises(DatabaseError, match="办理记录只能追加"), transaction.atomic():
            ProposalEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)


def test_a_delivered_reminder_is_kept_a_pending_one_may_change(world):
    flows.assigned(world, with_co=False)
    crash(DUE)  # recorded, not delivered
    pending = Reminder.objects.filter(status="pending").first()
    raw("UPDATE proposals_reminder SET attempts = 1 WHERE id = %s", pending.pk)
    run(DUE)  # delivered now
    sent = Reminder.objects.get(pk=pending.pk)
    assert sent.status == "sent"
    for sql in (
        "UPDATE proposals_reminder SET message = '改写' WHERE id = %s",
        "UPDATE proposals_reminder SET status = 'pending' WHERE id = %s",
        "DELETE FROM proposals_reminder WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="已送达的催办提醒"):
            raw(sql, sent.pk)
    # Bookkeeping that changes none of its facts: the notification purged, the link nulled.
    Notification.objects.filter(pk=sent.notification_id).delete()
    sent.refresh_from_db()
    assert sent.notification_id is None and sent.message
    # The retention purge may delete it, inside its own transaction only.
    with transaction.atomic():
        set_local("cppcc.retention")
        raw("DELETE FROM proposals_reminder WHERE id = %s", sent.pk)
    assert not Reminder.objects.filter(pk=sent.pk).exists()
