"""Export kinds, answering small exports at once and building large ones as jobs.

Each kind (``EXPORTS``) knows its rows — the user's visible rows through the same
filterset as the page — and how to write them. A list export of at most
``EXPORT_INLINE_LIMIT`` rows is answered directly; a larger one, and every compilation,
becomes an ``ExportJob`` that a Celery task builds (``run_job``): it reads the rows in
chunks of ``EXPORT_CHUNK_SIZE`` and records ``done``/``total`` after each chunk in its
own committed update, so the job page's progress bar moves while it runs. A job that
cannot be built ends ``failed`` with a message; the user never sees a 500.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Session
from committees.scoping import restrict_to_committees
from cppcc import jobs as background
from cppcc import replica
from members.capabilities import Capability, may
from proposals.exports import sources
from proposals.exports.columns import ASSIGNMENT_COLUMNS, PROPOSAL_COLUMNS
from proposals.exports.sources import ExportParamsError, Params
from proposals.exports.word import compilation_docx
from proposals.exports.xlsx import write_xlsx
from proposals.filters import MAX_ID
from proposals.models import ExportJob

if TYPE_CHECKING:
    from members.models import User

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_INLINE_LIMIT = 500
DEFAULT_CHUNK_SIZE = 200
DEFAULT_KEEP_DAYS = 7
DEFAULT_MAX_ACTIVE = 3
DEFAULT_STALL_MINUTES = 30
# A job queued or running for longer than this is taken as stuck (its worker died
# before acks_late could hand it on) and no longer counts against the user's limit.
ACTIVE_WINDOW = datetime.timedelta(hours=1)
ERROR_LENGTH = ExportJob._meta.get_field("error").max_length


def inline_limit() -> int:
    """Exports of at most this many rows are answered directly (setting EXPORT_INLINE_LIMIT)."""
    return int(getattr(settings, "EXPORT_INLINE_LIMIT", DEFAULT_INLINE_LIMIT))


def chunk_size() -> int:
    """Rows read (and progress recorded) per step (setting EXPORT_CHUNK_SIZE)."""
    return max(1, int(getattr(settings, "EXPORT_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


def keep_days() -> int:
    """Export files are deleted this many days after they were asked for (EXPORT_KEEP_DAYS)."""
    return max(1, int(getattr(settings, "EXPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS)))


def stall_minutes() -> int:
    """A queued or running job with no progress for this long has lost its worker
    (EXPORT_STALL_MINUTES): it is failed, with a message, and may be asked for again."""
    return max(1, int(getattr(settings, "EXPORT_STALL_MINUTES", DEFAULT_STALL_MINUTES)))


def max_active() -> int:
    """Jobs one user may have queued or running at once (EXPORT_MAX_ACTIVE_PER_USER)."""
    return max(1, int(getattr(settings, "EXPORT_MAX_ACTIVE_PER_USER", DEFAULT_MAX_ACTIVE)))


class ExportLimitReached(ExportParamsError):
    """The user already has ``max_active()`` jobs under way: each compilation of a large
    session keeps a worker busy for minutes, so one impatient user must not queue ten."""

    def __init__(self, active: int):
        message = _("您已有 {n} 个导出正在生成，请等它们完成后再试。").format(n=active)
        super().__init__({"__all__": [message]})


def can_compile(user: User) -> bool:
    """Compilations are the proposal committee's work: staff and administrators."""
    return may(user, Capability.EXPORT_COMPILATION)


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@dataclass(frozen=True)
class Export:
    """One kind of export: its rows, its file and how to write it."""

    kind: str
    label: str
    extension: str
    content_type: str
    rows: Callable[[User, Params], QuerySet]  # validated; raises ExportParamsError
    write: Callable[[User, Params, Any, IO[bytes], Callable[[int], None]], None]
    filename: Callable[[User, Params], str]

    def check(self, user: User, params: Params) -> None:
        """Raise unless ``user`` may run this export with ``params``."""
        self.rows(user, params)


def _write_sheet(columns, title):
    def write(user, params, rows, out, progress) -> None:
        write_xlsx(columns, rows, out, title=str(title), on_row=progress)

    return write


def compilation_session(user: User, params: Params) -> Session:
    """The session of a compilation: one of the user's committees; staff only."""
    if not can_compile(user):
        raise PermissionDenied
    raw = (params.get("session") or [""])[-1]
    session = None
    if str(raw).isdigit() and int(raw) <= MAX_ID:
        session = (
            restrict_to_committees(Session.objects.select_related("committee"), user)
            .filter(pk=int(raw))
            .first()
        )
    if session is None:
        raise ExportParamsError({"session": [_("请选择本委员会的会次。")]})
    return session


def _compilation_rows(user: User, params: Params) -> QuerySet:
    return sources.compilation(user, compilation_session(user, params))


def _write_compilation(user, params, rows, out, progress) -> None:
    session = compilation_session(user, params)
    compilation_docx(session, rows, progress=progress).save(out)


def _compilation_filename(user: User, params: Params) -> str:
    session = compilation_session(user, params)
    return _("{committee}{session}提案汇编.docx").format(
        committee=session.committee.name, session=session.name
    )


EXPORTS: dict[str, Export] = {
    e.kind: e
    for e in (
        Export(
            kind="proposals",
            label=gettext_lazy("提案列表"),
            extension="xlsx",
            content_type=XLSX,
            rows=sources.proposals,
            write=_write_sheet(PROPOSAL_COLUMNS, gettext_lazy("提案")),
            filename=lambda user, params: _("提案列表-{t}.xlsx").format(t=stamp()),
        ),
        Export(
            kind="assignments",
            label=gettext_lazy("交办列表"),
            extension="xlsx",
            content_type=XLSX,
            rows=sources.assignments,
            write=_write_sheet(ASSIGNMENT_COLUMNS, gettext_lazy("交办")),
            filename=lambda user, params: _("交办列表-{t}.xlsx").format(t=stamp()),
        ),
        Export(
            kind="compilation",
            label=gettext_lazy("提案汇编"),
            extension="docx",
            content_type=DOCX,
            rows=_compilation_rows,
            write=_write_compilation,
            filename=_compilation_filename,
        ),
    )
}


def get_export(kind: str) -> Export:
    try:
        return EXPORTS[kind]
    except KeyError:
        raise ExportParamsError({"kind": [_("未知的导出类型。")]}) from None


# ---- direct answers -------------------------------------------------------------------------


def build_inline(user: User, kind: str, params: Params, out: IO[bytes]) -> str:
    """Write the export to ``out`` now; returns its file name."""
    export = get_export(kind)
    rows = export.rows(user, params).iterator(chunk_size=chunk_size())
    export.write(user, params, rows, out, lambda n: None)
    return export.filename(user, params)


# ---- jobs -----------------------------------------------------------------------------------


def start_export(user: User, kind: str, params: Params) -> ExportJob:
    """Check the export and queue a job building it (after the caller's transaction).

    Raises ``ExportParamsError`` (bad filters or session: a form error / 400; too many
    jobs under way: ``ExportLimitReached``) or ``PermissionDenied``; the job itself only
    ever ends ``done`` or ``failed``.
    """
    export = get_export(kind)
    export.check(user, params)
    active = ExportJob.objects.filter(
        user=user,
        status__in=(ExportJob.Status.PENDING, ExportJob.Status.RUNNING),
        created_at__gte=timezone.now() - ACTIVE_WINDOW,
    ).count()
    if active >= max_active():
        raise ExportLimitReached(active)
    job = ExportJob.objects.create(
        user=user, kind=kind, params=params, filename=export.filename(user, params)
    )
    background.after_commit(
        "proposals.exports.tasks.build_export", job.pk, on_error=partial(queue_failed, job.pk)
    )
    return job


def queue_failed(job_id: int, exc: Exception) -> None:
    """A broker that cannot be reached fails the job with a message, not the request."""
    logger.error("export job %s could not be queued", job_id, exc_info=exc)
    _finish(job_id, ExportJob.Status.FAILED, error=_("后台任务队列暂不可用，请稍后重试。"))


def _update(job_id: int, **fields) -> None:
    """One committed UPDATE (outside any transaction), so readers see it at once; it is
    also the job's heartbeat."""
    ExportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)


def _finish(job_id: int, status: str, **fields) -> None:
    _update(job_id, status=status, finished_at=timezone.now(), **fields)


class Progress:
    """Records ``done`` every ``every`` rows (and on the last one)."""

    def __init__(self, job_id: int, total: int, every: int):
        self.job_id, self.total, self.every = job_id, total, every
        self.done = 0

    def __call__(self, done: int) -> None:
        self.done = done
        if done % self.every == 0 or done == self.total:
            _update(self.job_id, done=min(done, self.total))


def run_job(job_id: int) -> str:
    """Build a job's file; returns its final status. Safe to run again (a redelivered
    task): a job already done or failed is left alone, a running one starts over."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        logger.warning("export job %s no longer exists", job_id)
        return "missing"
    if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
        return job.status
    try:
        export = get_export(job.kind)
        # The rows from the read replica, if there is one (the job's own row is written
        # to the primary, as every write is).
        with replica.reads(lambda: job.user_id), tempfile.TemporaryFile() as tmp:
            rows = export.rows(job.user, job.params)
            total = rows.count()
            _update(job.pk, status=ExportJob.Status.RUNNING, total=total, done=0)
            progress = Progress(job.pk, total, chunk_size())
            chunks = rows.iterator(chunk_size=chunk_size())
            export.write(job.user, job.params, chunks, tmp, progress)
            tmp.seek(0)
            # A random part: the stored name is not guessable from the job's id.
            name = f"{job.kind}-{secrets.token_hex(8)}.{export.extension}"
            job.file.save(name, File(tmp), save=False)
        written = progress.done  # the final count, should rows have changed meanwhile
        _finish(job.pk, ExportJob.Status.DONE, file=job.file.name, done=written, total=written)
        return ExportJob.Status.DONE
    except (OperationalError, InterfaceError):
        # The database went away: the task is retried (cppcc.celery.Task) and starts over;
        # should every retry fail, the stall check fails the job.
        raise
    except Exception as exc:  # any failure ends the job with a message, never a 500
        logger.exception("export job %s failed", job_id)
        _finish(job.pk, ExportJob.Status.FAILED, error=failure_message(exc))
        return ExportJob.Status.FAILED


def failure_message(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        message = _("您已无权生成此导出。")
    elif isinstance(exc, ExportParamsError):
        message = _("筛选条件无效：{e}").format(e=exc)
    else:
        message = _("生成文件时出错（{e}），请稍后重试或联系管理员。").format(
            e=f"{type(exc).__name__}: {exc}"
        )
    return message[:ERROR_LENGTH]


def finished_file(job: ExportJob) -> tuple[FieldFile, str, str]:
    """A finished job's (file, download name, content type); ``Http404`` while it is not
    done (the download answers 404 too once the file has been purged)."""
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    export = EXPORTS.get(job.kind)
    content_type = export.content_type if export else "application/octet-stream"
    return job.file, job.filename or "export", content_type


# ---- stalled jobs ---------------------------------------------------------------------------


def fail_stalled_exports(now: datetime.datetime | None = None) -> int:
    """Fail the queued or running jobs that have shown no progress for
    ``stall_minutes()``: their worker died (or the task was lost), and "生成中" forever
    would keep the user waiting and count against their limit. A task redelivered later
    finds the job failed and leaves it (``run_job``)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=stall_minutes())
    stalled = ExportJob.objects.filter(
        status__in=(ExportJob.Status.PENDING, ExportJob.Status.RUNNING)
    ).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    count = stalled.update(
        status=ExportJob.Status.FAILED,
        finished_at=now or timezone.now(),
        error=_("导出中断（后台进程可能已重启），请重新导出。"),
    )
    if count:
        logger.warning("failed %s export jobs stalled since %s", count, cutoff)
    return count


# ---- retention ------------------------------------------------------------------------------


def delete_jobs(ids: list[int]) -> int:
    """Delete these jobs and their files (the retention purge, ``cppcc.retention``, after
    ``keep_days()``): exports copy personal data (names, phones, opinions) and are not
    kept for ever in MEDIA_ROOT. A file goes only once its row is gone for good; a job
    locked by its worker right now is left for the next night."""
    with transaction.atomic():
        doomed = list(
            ExportJob.objects.filter(pk__in=ids)
            .select_for_update(skip_locked=True)
            .values_list("pk", "file")
        )
        ExportJob.objects.filter(pk__in=[pk for pk, _name in doomed]).delete()
        names = [name for _pk, name in doomed if name]
        transaction.on_commit(partial(_delete_files, names))
    return len(doomed)


def _delete_files(names: list[str]) -> None:
    storage = ExportJob._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # already gone, or a share that refuses: the row is gone anyway
            logger.warning("could not delete export file %s", name, exc_info=True)
