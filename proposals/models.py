"""Proposals and everything that happens to them.

State changes happen only through ``proposals.services``; models hold data,
the querysets here hold the one definition of who may see what.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc import uploads
from proposals.choices import (
    AssignmentStatus,
    Category,
    CommunicationKind,
    CommunicationMethod,
    CosignerStatus,
    DeadlineKind,
    Kind,
    ReminderAudience,
    ReminderKind,
    ReminderStatus,
    RequestStatus,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
    Source,
    State,
    UnitRole,
)
from proposals.visibility import AssignmentQuerySet, ProposalQuerySet, ReminderQuerySet

USER = settings.AUTH_USER_MODEL


class Proposal(models.Model):
    committee = models.ForeignKey(
        "committees.Committee", verbose_name=_("所属政协"), on_delete=models.PROTECT
    )
    session = models.ForeignKey(
        "committees.Session", verbose_name=_("会次"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("提案类型"), max_length=10, choices=Kind.choices, blank=True)
    title = models.CharField(_("案由"), max_length=200)
    background = models.TextField(_("情况分析"), blank=True)
    suggestions = models.TextField(_("具体建议"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    topic = models.ForeignKey(
        "committees.Topic",
        verbose_name=_("子类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    proposer = models.ForeignKey(
        USER, verbose_name=_("第一提案人"), on_delete=models.PROTECT, related_name="proposals"
    )
    organization = models.ForeignKey(
        "committees.Organization",
        verbose_name=_("集体提案单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    sector = models.ForeignKey(
        "committees.Sector",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    number = models.CharField(_("案号"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False)
    is_key = models.BooleanField(_("重点提案"), default=False)
    supervisors = models.ManyToManyField(
        USER, verbose_name=_("督办领导"), blank=True, related_name="supervised_proposals"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入提案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_proposals",
    )
    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("转自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_to",
    )
    decline_ground = models.CharField(_("不予立案理由"), max_length=100, blank=True)
    decline_note = models.TextField(_("不予立案说明"), blank=True)
    forwarded_to = models.ForeignKey(
        "committees.HandlingUnit",
        verbose_name=_("作为意见建议转送"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_proposals",
    )
    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["committee", "state"]),
            models.Index(fields=["committee", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="proposal_sequence_unique_per_session",
            ),
            models.UniqueConstraint(
                fields=["committee", "number"],
                condition=~models.Q(number=""),
                name="proposal_number_unique_per_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("proposals:detail", args=[self.pk])

    @property
    def handled_proposal(self) -> Proposal:
        """The proposal that carries the handling: itself, or the one it was merged into."""
        return self.merged_into if self.merged_into_id else self


class Cosigner(models.Model):
    """联名: a member who joins a member's proposal and must confirm it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosigners")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("联名委员"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CosignerStatus.choices, default=CosignerStatus.INVITED
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("联名人")
        verbose_name_plural = _("联名人")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="cosigner_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_status_display()})"


def attachment_path(instance: Attachment, filename: str) -> str:
    return uploads.storage_name("attachment", os.path.splitext(filename)[1].lower())


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One stage of the filing review (初审/复审/联审) and its outcome."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("审查环节"), max_length=10, choices=ReviewStage.choices)
    decision = models.CharField(_("审查意见"), max_length=10, choices=ReviewDecision.choices)
    opinion = models.TextField(_("审查说明"), blank=True)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审查记录")
        verbose_name_plural = _("审查记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_decision_display()}"


class Assignment(models.Model):
    """交办: one handling unit's part in one proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "committees.HandlingUnit",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("办理方式"), max_length=10, choices=UnitRole.choices)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
        db_index=True,
    )
    assigned_on = models.DateField(_("交办日期"))
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("调整自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["proposal", "role", "id"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.status != AssignmentStatus.REROUTED


class Deadline(models.Model):
    """A due date and how it was computed (start, rule, days skipped, fallback years).

    Reminders, overdue lists and the UI read due dates from here only.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="deadlines")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("期限类型"), max_length=20, choices=DeadlineKind.choices)
    start_date = models.DateField(_("起算日期"))
    due_date = models.DateField(_("截止日期"))
    rule = models.JSONField(_("计算规则"), default=dict)
    computation = models.JSONField(_("计算过程"), default=dict)
    extended = models.BooleanField(_("已延期"), default=False)
    is_open = models.BooleanField(_("未完成"), default=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理期限")
        verbose_name_plural = _("办理期限")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["kind", "is_open", "due_date"]),
            # The reminder sweep walks open deadlines by id; closed ones pile up for years.
            models.Index(
                fields=["id"], condition=models.Q(is_open=True), name="deadline_open_by_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"

    @property
    def uses_fallback_calendar(self) -> bool:
        return bool(self.computation.get("fallback_years"))

    @property
    def warning(self) -> str:
        return self.warning_for(self.computation)

    @staticmethod
    def warning_for(computation: dict) -> str:
        """The warning every place that shows a due date adds when it was computed
        Monday–Friday for a year whose holidays are not known yet."""
        years = (computation or {}).get("fallback_years") or []
        if not years:
            return ""
        listed = "、".join(str(y) for y in years)
        return str(
            _("{years}年节假日安排尚未公布，按周一至周五工作日计算，请在公布后核对。")
        ).format(years=listed)

    def describe(self) -> str:
        """How the due date was computed, in words, for the UI and API."""
        rule = self.rule or {}
        unit = _("个工作日") if rule.get("unit") == "workdays" else _("个月")
        text = _("自 {start} 起 {n}{unit}").format(
            start=self.start_date, n=rule.get("quantity", "?"), unit=unit
        )
        skipped = self.computation.get("skipped") or []
        if skipped:
            text += _("，跳过非工作日 {n} 天").format(n=len(skipped))
        if self.extended:
            text += _("，已延期")
        return str(text)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class Extension(models.Model):
    """延期: staff moved a reply deadline."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField(_("原截止日期"))
    new_due_date = models.DateField(_("新截止日期"))
    reason = models.TextField(_("延期理由"))
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("延期记录")
        verbose_name_plural = _("延期记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.previous_due_date} → {self.new_due_date}"


class ReassignmentRequest(models.Model):
    """申请调整: a unit says the proposal is not theirs; staff approve or reject."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="reassignment_requests"
    )
    reason = models.TextField(_("申请理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_status_display()}"


class Communication(models.Model):
    """办前沟通 / 办中协商: contact between the unit and the proposer."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="communications"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=CommunicationKind.choices)
    method = models.CharField(_("方式"), max_length=10, choices=CommunicationMethod.choices)
    date = models.DateField(_("日期"))
    content = models.TextField(_("内容"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class UnitOpinion(models.Model):
    """会办意见: what a co-handling unit tells the lead unit."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="opinions")
    round = models.PositiveSmallIntegerField(default=1)
    content = models.TextField(_("会办意见"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会办意见")
        verbose_name_plural = _("会办意见")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.assignment} #{self.round}"


def reply_path(instance: Reply, filename: str) -> str:
    return uploads.storage_name("reply", os.path.splitext(filename)[1].lower())


class Reply(models.Model):
    """答复: the unit's reply letter, classified A/B/C (configurable)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    classification = models.CharField(_("答复分类"), max_length=4)
    content = models.TextField(_("答复内容"))
    attachment = models.FileField(_("答复函"), upload_to=reply_path, blank=True)
    attachment_name = models.CharField(_("答复函文件名"), max_length=200, blank=True)
    attachment_type = models.CharField(_("答复函文件类型"), max_length=100, blank=True)
    signed_by = models.CharField(_("签发人"), max_length=60, blank=True)
    reply_date = models.DateField(_("答复日期"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.classification}"


class Feedback(models.Model):
    """反馈: one proposer's satisfaction with one round of handling."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="feedback")
    round = models.PositiveSmallIntegerField(_("办理轮次"))
    user = models.ForeignKey(USER, verbose_name=_("反馈人"), on_delete=models.PROTECT)
    is_decisive = models.BooleanField(_("第一提案人"), default=False)
    communication = models.CharField(
        _("对沟通的满意度"), max_length=20, choices=Satisfaction.choices
    )
    result = models.CharField(_("对结果的满意度"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("反馈")
        verbose_name_plural = _("反馈")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round", "user"], name="feedback_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_result_display()}"


class Supervision(models.Model):
    """督办: a supervisor's record on a key or overdue proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervisions")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    content = models.TextField(_("督办情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.supervisor}"


class NumberSequence(models.Model):
    """The last filing number given in a session; locked while filing, so numbers have no gaps."""

    session = models.OneToOneField(
        "committees.Session", on_delete=models.CASCADE, related_name="number_sequence"
    )
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("立案编号序列")
        verbose_name_plural = _("立案编号序列")

    def __str__(self) -> str:
        return f"{self.session}: {self.last}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("The event log is append-only.")

    def delete(self):  # type: ignore[override]
        raise TypeError("The event log is append-only.")


class ProposalEvent(models.Model):
    """Append-only audit trail: every change to a proposal, by whom, from → to."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    message = models.TextField(_("说明"), blank=True)
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
        labels = {
            "before": _("到期前{n}个工作日"),
            "overdue": _("逾期{n}个工作日"),
            "waiting": _("等待{n}个工作日"),
        }
        if name in labels and days.isdigit():
            return str(labels[name]).format(n=int(days))
        return self.threshold


def export_path(instance: ExportJob, filename: str) -> str:
    return uploads.storage_name("export", os.path.splitext(filename)[1].lower())


class ExportJob(models.Model):
    """导出任务: a file built in the background (large exports) with its progress.

    Small exports are answered directly; large ones (and every compilation) are built
    by a Celery task that updates ``done``/``total`` as it goes, so the page can show a
    progress bar and then a download link. In the SQLite demo the task runs in-process.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("导出类型"), max_length=40)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_path, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.CharField(_("错误信息"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename or self.kind

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


def default_rubric() -> list[dict]:
    return [
        {"key": "topic", "label": "选题价值", "max": 30},
        {"key": "research", "label": "调研深度", "max": 20},
        {"key": "feasibility", "label": "建议可行性", "max": 30},
        {"key": "result", "label": "办理成效", "max": 20},
    ]


class AwardRound(models.Model):
    """优秀提案评选: one round of choosing a year's (or session's) excellent proposals.

    Staff nominate filed proposals, the panel (``reviewers``) scores each nomination on
    the ``rubric`` (criteria with a maximum each), staff choose and publish.
    """

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("推荐中")
        SCORING = "scoring", _("评审中")
        PUBLISHED = "published", _("已公布")

    committee = models.ForeignKey(
        "committees.Committee", verbose_name=_("所属政协"), on_delete=models.PROTECT
    )
    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    session = models.ForeignKey(
        "committees.Session",
        verbose_name=_("会次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    rubric = models.JSONField(_("评分标准"), default=default_rubric)
    quota = models.PositiveSmallIntegerField(_("评选名额"), default=50)
    reviewers = models.ManyToManyField(
        USER, verbose_name=_("评审组成员"), blank=True, related_name="award_rounds"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATING
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("优秀提案评选")
        verbose_name_plural = _("优秀提案评选")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    """A filed proposal put forward in an award round."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("推荐理由"), blank=True)
    selected = models.BooleanField(_("评为优秀提案"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("优秀提案推荐")
        verbose_name_plural = _("优秀提案推荐")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="one_nomination_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.proposal}"


class AwardScore(models.Model):
    """One panel member's scores for one nomination (criterion key → points)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    points = models.JSONField(_("各项得分"), default=dict)
    total = models.PositiveSmallIntegerField(_("总分"), default=0)
    comment = models.TextField(_("评语"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审打分")
        verbose_name_plural = _("评审打分")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "reviewer"], name="one_score_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.total}"
