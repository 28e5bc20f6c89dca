"""Export jobs: files built in the background, with their progress."""

from __future__ import annotations

import os

from django.db import models
from django.utils.translation import gettext_lazy as _

from cppcc import uploads
from proposals.models.proposals import USER


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
    # Touched by every progress write: a queued or running job silent for too long lost
    # its worker (``proposals.exports.jobs.fail_stalled_exports``).
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)

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
