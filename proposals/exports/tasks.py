"""Celery tasks of the exports: build one ``ExportJob``, purge old ones (see
``proposals.exports.jobs``)."""

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


@shared_task(ignore_result=True)
def purge_old_exports() -> int:
    """Daily (beat): delete export jobs and files older than EXPORT_KEEP_DAYS."""
    return jobs.purge_old_exports()
