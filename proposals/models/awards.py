"""Excellent-proposal rounds (优秀提案评选): nominations and the panel's scores."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from proposals.choices import AwardStatus
from proposals.models.proposals import USER, Proposal


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

    Status = AwardStatus

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
