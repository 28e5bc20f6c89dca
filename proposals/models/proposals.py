"""The proposal itself: its content, co-signers, attachments, reviews and number."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from cppcc import uploads
from proposals.choices import (
    Category,
    CosignerStatus,
    Kind,
    ReviewDecision,
    ReviewStage,
    Source,
    State,
)
from proposals.visibility import ProposalQuerySet

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
    # Full-text search (proposals.search): the segmented words, and their weighted vector
    # behind a GIN index (PostgreSQL; created by migration 0009).
    search_document = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

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
