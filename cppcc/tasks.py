"""The installation's own periodic task: retention (``cppcc.retention``)."""

from __future__ import annotations

from celery import shared_task

from cppcc import retention


@shared_task(ignore_result=True)
def purge_old_records() -> dict[str, int]:
    """Nightly (beat, RETENTION_PURGE_AT): delete what is past its retention period."""
    return {line.kind.name: line.count for line in retention.purge()}
