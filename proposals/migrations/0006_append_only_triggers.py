"""The audit trail is append-only in the database too, not only in Python.

On PostgreSQL, triggers refuse ``UPDATE`` and ``DELETE`` on the event log, and on
reminders once delivered (what was sent to whom, and when), whoever sends the SQL. Two
transaction-local settings open a door on purpose, each for one job:

* ``cppcc.retention = on`` (``SET LOCAL``, the retention purge): delivered reminders may
  be deleted — never events;
* ``cppcc.erase_world = on`` (the demo's ``seed_demo --reset``): everything may go.

Bookkeeping that changes none of a delivered reminder's facts (its notification link
set to NULL when the notification is purged) stays possible. SQLite (the demo) has no
such triggers; the Python guards (``AppendOnlyQuerySet``) hold everywhere.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION cppcc_event_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('cppcc.erase_world', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '办理记录只能追加，不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER proposalevent_append_only
    BEFORE UPDATE OR DELETE ON proposals_proposalevent
    FOR EACH ROW EXECUTE FUNCTION cppcc_event_log_append_only();

CREATE OR REPLACE FUNCTION cppcc_delivered_reminder_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'sent' OR current_setting('cppcc.erase_world', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('cppcc.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND ROW(
        NEW.key, NEW.kind, NEW.threshold, NEW.audience, NEW.user_id, NEW.proposal_id,
        NEW.due_date, NEW.for_date, NEW.message, NEW.channels, NEW.status, NEW.skipped,
        NEW.emailed_at, NEW.sms_sent_at, NEW.sent_at, NEW.created_at
    ) IS NOT DISTINCT FROM ROW(
        OLD.key, OLD.kind, OLD.threshold, OLD.audience, OLD.user_id, OLD.proposal_id,
        OLD.due_date, OLD.for_date, OLD.message, OLD.channels, OLD.status, OLD.skipped,
        OLD.emailed_at, OLD.sms_sent_at, OLD.sent_at, OLD.created_at
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '已送达的催办提醒不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER reminder_delivered_kept
    BEFORE UPDATE OR DELETE ON proposals_reminder
    FOR EACH ROW EXECUTE FUNCTION cppcc_delivered_reminder_kept();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS reminder_delivered_kept ON proposals_reminder;
DROP FUNCTION IF EXISTS cppcc_delivered_reminder_kept();
DROP TRIGGER IF EXISTS proposalevent_append_only ON proposals_proposalevent;
DROP FUNCTION IF EXISTS cppcc_event_log_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: % is plpgsql's

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_typed_events"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
