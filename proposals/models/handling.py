"""Handling by the units: assignments, due dates, re-routing, communication, opinions,
replies, feedback and supervision."""

from __future__ import annotations

import datetime
import os

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc import uploads
from proposals.choices import (
    AssignmentStatus,
    CommunicationKind,
    CommunicationMethod,
    DeadlineKind,
    RequestStatus,
    Satisfaction,
    UnitRole,
)
from proposals.domain import groups
from proposals.models.proposals import USER, Proposal
from proposals.visibility import AssignmentQuerySet

# The lead unit first wherever assignments are listed (``groups.ROLE_ORDER``), each role's
# units in the order they were assigned.
LEAD_FIRST = models.Case(
    *(models.When(role=role, then=models.Value(i)) for i, role in enumerate(groups.ROLE_ORDER)),
    default=models.Value(len(groups.ROLE_ORDER)),
)


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
        ordering = ["proposal_id", LEAD_FIRST, "id"]
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
