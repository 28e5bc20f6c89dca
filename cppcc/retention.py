"""What the installation forgets, and when: one table of everything that is purged.

Each night (beat's ``purge-old-records``, at ``RETENTION_PURGE_AT``) and on demand
(``manage.py purge_old_records``), rows older than their kind's period are deleted in
batches, each batch in its own transaction, so a purge of a million rows never holds a
long lock. The periods come from settings (``RETENTION_DAYS``, ``EXPORT_KEEP_DAYS``);
``None`` keeps a kind for ever.

Never purged, whatever the settings say: proposals and everything that belongs to them
(reviews, assignments, replies, feedback, attachments), and the audit trail (the event
log, which a database trigger also protects). Delivered reminders may only be deleted
through the door the trigger leaves for this job (``cppcc.retention``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from cppcc.db import set_local
from members.models import ApiToken
from proposals.choices import ReminderStatus
from proposals.exports import jobs as exports
from proposals.models import ExportJob, Notification, Reminder

logger = logging.getLogger("cppcc.retention")

BATCH = 2000


def _delete(model: type[models.Model], *, through_door: bool = False) -> Callable[[list], int]:
    """One batch's deletion, in its own transaction; ``through_door``: the audit
    trigger lets this job (and only it) delete delivered reminders."""

    def delete(ids: list) -> int:
        with transaction.atomic():
            if through_door:
                set_local("cppcc.retention")
            return model._default_manager.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)

    return delete


@dataclass(frozen=True)
class Kind:
    """One kind of record that is purged: ``old(cutoff)`` are the rows past their time."""

    name: str
    label: str
    days: Callable[[], int | None]
    old: Callable[[datetime.datetime], models.QuerySet]
    delete: Callable[[list], int]


def _days(name: str) -> Callable[[], int | None]:
    return lambda: settings.RETENTION_DAYS[name]


KINDS = (
    Kind(
        "notifications",
        "站内通知",
        _days("notifications"),
        lambda cutoff: Notification.objects.filter(created_at__lt=cutoff),
        _delete(Notification),
    ),
    Kind(
        "reminders",
        "催办提醒（已送达或发送失败）",
        _days("reminders"),
        # Pending rows are work still to do (the outbox), never purged.
        lambda cutoff: Reminder.objects.filter(created_at__lt=cutoff).exclude(
            status=ReminderStatus.PENDING
        ),
        _delete(Reminder, through_door=True),
    ),
    Kind(
        "exports",
        "导出文件",
        exports.keep_days,
        lambda cutoff: ExportJob.objects.filter(created_at__lt=cutoff),
        exports.delete_jobs,
    ),
    Kind(
        "login_attempts",
        "登录失败记录",
        _days("login_records"),
        lambda cutoff: AccessAttempt.objects.filter(attempt_time__lt=cutoff),
        _delete(AccessAttempt),
    ),
    Kind(
        "login_failures",
        "登录失败日志",
        _days("login_records"),
        lambda cutoff: AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        _delete(AccessFailureLog),
    ),
    Kind(
        "login_log",
        "登录日志",
        _days("login_records"),
        lambda cutoff: AccessLog.objects.filter(attempt_time__lt=cutoff),
        _delete(AccessLog),
    ),
    Kind(
        "sessions",
        "已过期的登录会话",
        lambda: 0,  # useless the moment they expire
        lambda cutoff: Session.objects.filter(expire_date__lt=cutoff),
        _delete(Session),
    ),
    Kind(
        "api_tokens",
        "已过期的 API 令牌",
        lambda: settings.API_TOKEN_IDLE_DAYS,  # refused from then on (members.tokens)
        lambda cutoff: ApiToken.objects.filter(last_used_at__lt=cutoff),
        _delete(ApiToken),
    ),
)


@dataclass(frozen=True)
class Purged:
    kind: Kind
    days: int | None
    count: int


def purge(now: datetime.datetime | None = None, *, dry_run: bool = False) -> list[Purged]:
    """Delete (or with ``dry_run`` only count) every kind's old rows; one line each."""
    now = now or timezone.now()
    done = []
    for kind in KINDS:
        days = kind.days()
        count = 0
        if days is not None:
            old = kind.old(now - datetime.timedelta(days=days))
            count = old.count() if dry_run else _in_batches(old, kind.delete)
        if count and not dry_run:
            logger.info("purged %s %s older than %s days", count, kind.name, days)
        done.append(Purged(kind, days, count))
    return done


def _in_batches(old: models.QuerySet, delete: Callable[[list], int]) -> int:
    total = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        deleted = delete(ids)
        total += deleted
        if deleted < len(ids):
            break  # some are locked by someone else: left for the next run
    return total
