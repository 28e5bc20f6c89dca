"""Retention: old notifications, reminders, export files and login records are purged on
schedule; the audit trail and the proposals never are."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from cppcc import retention
from cppcc.deploy import keep_days
from cppcc.tasks import purge_old_records
from members import tokens
from members.models import ApiToken
from proposals.exports import jobs
from proposals.models import (
    Attachment,
    ExportJob,
    Notification,
    Proposal,
    ProposalEvent,
    Reminder,
    Reply,
)
from proposals.services import drafting
from tests import flows
from tests import sample_files as files
from tests.proposals.exports.data import bulk_filed

TEN_YEARS = datetime.timedelta(days=3650)


def reminder(p: Proposal, user, status: str, key: str) -> Reminder:
    return Reminder.objects.create(
        key=key,
        kind="feedback",
        threshold="due",
        audience="proposer",
        user=user,
        proposal=p,
        for_date=flows.DAY,
        message="请及时反馈",
        status=status,
    )


def counts() -> dict[str, int]:
    models = {
        "proposals": Proposal,
        "events": ProposalEvent,
        "replies": Reply,
        "attachments": Attachment,
        "notifications": Notification,
        "reminders": Reminder,
        "exports": ExportJob,
        "login_attempts": AccessAttempt,
        "sessions": Session,
        "api_tokens": ApiToken,
    }
    return {name: model.objects.count() for name, model in models.items()}


@pytest.fixture
def history(world, django_capture_on_commit_callbacks) -> Path:
    """A year's work: a replied proposal with files, its notifications, reminders in every
    state, an export file, a failed login, a session and an API token. Returns the
    export's file."""
    p = flows.replied(world, "A", letter=files.pdf("答复函.pdf"))
    drafting.add_attachment(world.member.user, flows.draft(world), files.pdf("调研报告.pdf"))
    reminder(p, world.member.user, "sent", "a")
    reminder(p, world.member.user, "failed", "b")
    reminder(p, world.member.user, "pending", "c")
    bulk_filed(world, 2)
    job = jobs.start_export(world.staff, "compilation", {"session": [str(world.session.pk)]})
    assert jobs.run_job(job.pk) == "done"
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    Session.objects.create(
        session_key="s" * 32, session_data="", expire_date=timezone.now() + datetime.timedelta(1)
    )
    tokens.issue(world.member.user)
    assert Notification.objects.exists()
    job.refresh_from_db()
    return Path(job.file.path)


def test_everything_past_its_time_goes_and_the_record_stays(
    history, django_capture_on_commit_callbacks
):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        purged = retention.purge(now=timezone.now() + TEN_YEARS)
    after = counts()

    gone = {line.kind.name: line.count for line in purged if line.count}
    assert gone == {
        "notifications": before["notifications"],
        "reminders": 2,  # sent and failed; the pending one is work still to do
        "exports": 1,
        "login_attempts": 1,
        "sessions": 1,
        "api_tokens": 1,
    }
    assert not history.exists()
    assert list(Reminder.objects.values_list("status", flat=True)) == ["pending"]
    for kept in ("proposals", "events", "replies", "attachments"):
        assert after[kept] == before[kept] > 0, kept
    for stored in (Reply.objects.get().attachment, Attachment.objects.get().file):
        assert Path(stored.path).exists()


def test_what_is_younger_than_its_period_stays(history, settings):
    now = timezone.now()
    Notification.objects.update(created_at=now - datetime.timedelta(days=364))
    old = Notification.objects.first()
    Notification.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=366))
    before = counts()

    gone = {line.kind.name: line.count for line in retention.purge(now=now)}

    assert gone["notifications"] == 1 and not Notification.objects.filter(pk=old.pk).exists()
    assert counts() == {**before, "notifications": before["notifications"] - 1}

    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "notifications": None}
    Notification.objects.update(created_at=now - TEN_YEARS)
    assert not [line for line in retention.purge(now=now) if line.count]


def test_the_nightly_task_and_the_command(history, settings, capsys):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-old-records"]
    assert entry["task"] == purge_old_records.name == "cppcc.tasks.purge_old_records"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})

    Notification.objects.update(created_at=timezone.now() - TEN_YEARS)
    notifications = Notification.objects.count()
    call_command("purge_old_records", "--dry-run")
    out = capsys.readouterr().out
    assert f"站内通知：将删除 {notifications} 条（保留 365 天）" in out
    assert "已过期的登录会话：将删除 0 条（过期即删除）" in out
    assert Notification.objects.count() == notifications

    assert purge_old_records() == {
        "notifications": notifications,
        **{kind.name: 0 for kind in retention.KINDS if kind.name != "notifications"},
    }
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("value", "minimum", "expected"),
    [
        ("30", 30, 30),
        ("0", 30, None),
        ("", 1, 365),
        ("10", 30, "至少为 30 天"),
        ("一年", 1, "应为天数"),
    ],
)
def test_retention_periods_are_checked_at_start_up(monkeypatch, value, minimum, expected):
    monkeypatch.setenv("KEEP_X_DAYS", value)
    if isinstance(expected, str):
        with pytest.raises(ImproperlyConfigured, match=expected):
            keep_days("KEEP_X_DAYS", 365, minimum=minimum)
    else:
        assert keep_days("KEEP_X_DAYS", 365, minimum=minimum) == expected
