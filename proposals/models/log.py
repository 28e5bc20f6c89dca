"""What happened and who was told: the append-only event log, notifications, reminders."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.choices import (
    ReminderAudience,
    ReminderKind,
    ReminderStatus,
)
from proposals.domain import events
from proposals.domain.events import Event, EventKind
from proposals.models.handling import Assignment, Deadline
from proposals.models.proposals import USER, Cosigner, Proposal
from proposals.visibility import ReminderQuerySet


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("The event log is append-only.")

    def delete(self):  # type: ignore[override]
        raise TypeError("The event log is append-only.")

    def record(
        self, proposal: Proposal, actor, event: Event, from_state: str | None = None
    ) -> ProposalEvent:
        """The one writer of the log: ``event`` (a builder's result) happened to
        ``proposal``, by ``actor``; from ``from_state`` (default: no change) to its state now."""
        return self.create(
            proposal=proposal,
            actor=actor,
            action=event.kind,
            from_state=proposal.state if from_state is None else from_state,
            to_state=proposal.state,
            data=event.data,
        )


class ProposalEvent(models.Model):
    """Append-only audit trail: every change to a proposal, by whom, from → to."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=40, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    # The kind's parameters (see ``proposals.domain.events``); the sentence is rendered.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The event log is append-only.")

    @property
    def message(self) -> str:
        """What happened, as a sentence in the active language."""
        return events.render(self.action, self.data)


class Notification(models.Model):
    """In-app notification; e-mail copies are sent after the transaction commits."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField(max_length=40)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class Reminder(models.Model):
    """催办提醒: the outbox row of one reminder to one person.

    ``key`` says what, whom and which threshold (e.g. ``d:17:2025-06-10:before:3:u5``),
    and is unique: a second sweep, a second beat or a retried task inserting the same
    reminder hits the constraint and inserts nothing. Rows are written ``pending`` in
    the sweep's transaction and marked delivered by ``proposals.reminders.delivery``.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("提醒类型"), max_length=20, choices=ReminderKind.choices)
    threshold = models.CharField(_("提醒节点"), max_length=20)
    audience = models.CharField(_("对象"), max_length=12, choices=ReminderAudience.choices)
    user = models.ForeignKey(
        USER, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reminders")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    cosigner = models.ForeignKey(
        Cosigner, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    for_date = models.DateField(_("提醒日期"))
    message = models.CharField(_("内容"), max_length=300)
    channels = models.JSONField(_("发送渠道"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("失败次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    last_error = models.CharField(_("错误信息"), max_length=300, blank=True)
    skipped = models.JSONField(_("未发送渠道"), default=list, blank=True)
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("催办提醒")
        verbose_name_plural = _("催办提醒")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["for_date"]),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def threshold_label(self) -> str:
        """The threshold in words: ``before:3`` → 到期前3个工作日, ``due`` → 到期当日,
        ``overdue:5`` → 逾期5个工作日, ``waiting:2`` → 等待2个工作日."""
        name, _sep, days = self.threshold.partition(":")
        if name == "due" and not days:
            return str(_("到期当日"))
        if name == "manual":
            return str(_("人工催办"))
        labels = {
            "before": _("到期前{n}个工作日"),
            "overdue": _("逾期{n}个工作日"),
            "waiting": _("等待{n}个工作日"),
        }
        if name in labels and days.isdigit():
            return str(labels[name]).format(n=int(days))
        return self.threshold
