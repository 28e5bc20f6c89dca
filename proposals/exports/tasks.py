"""Celery tasks of the exports: build one ``ExportJob``, fail stalled ones (see
``proposals.exports.jobs``; old ones are purged by ``cppcc.retention``)."""

from __future__ import annotations

from celery import shared_task

from proposals.exports import jobs


@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> str:
    """Build the job's file, recording progress as it goes; ends done or failed."""
    return jobs.run_job(job_id)


@shared_task(ignore_result=True)
def fail_stalled_exports() -> int:
    """Every few minutes (beat): fail jobs whose worker died (EXPORT_STALL_MINUTES)."""
    return jobs.fail_stalled_exports()
