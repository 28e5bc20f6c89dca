"""Export pages: list downloads, Word documents, compilations and job progress.

Who may export is who may see: every row comes from ``visible_to`` through the list's
own filterset; jobs (and their files) belong to the user who started them.
"""

from __future__ import annotations

import io
from typing import IO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Session
from committees.scoping import restrict_to_committees
from cppcc.files import private_file_response
from proposals.domain import groups
from proposals.exports import jobs, sources
from proposals.exports.sources import ExportParamsError
from proposals.exports.word import proposal_docx as build_proposal_docx
from proposals.exports.word import reply_letter_docx
from proposals.models import ExportJob, Proposal, Reply

RECENT_JOBS = 20


def _download(data: bytes | IO[bytes], filename: str, content_type: str) -> FileResponse:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _too_many(request: HttpRequest, exc: jobs.ExportLimitReached) -> HttpResponse:
    """Back to the export page, where the jobs under way are listed with their progress."""
    messages.error(request, " ".join(exc.errors["__all__"]))
    return redirect("exports:index")


def _bad_params(
    request: HttpRequest, export: jobs.Export, exc: ExportParamsError, back: str
) -> HttpResponse:
    context = {"export": export, "error": exc, "back": back}
    return render(request, "exports/bad_params.html", context, status=400)


# ---- lists ----------------------------------------------------------------------------------


def _list_export(request: HttpRequest, kind: str, back: str) -> HttpResponse:
    """GET: the file at once when small, else a page offering to build it in the
    background; POST: start that job. Bad filters: a 400 page naming the fields."""
    export = jobs.EXPORTS[kind]
    params = sources.params_of(request.GET)
    query = request.GET.urlencode()
    back = reverse(back) + (f"?{query}" if query else "")
    try:
        rows = export.rows(request.user, params)
        if request.method == "POST":
            job = jobs.start_export(request.user, kind, params)
            return redirect("exports:job", job.pk)
    except jobs.ExportLimitReached as exc:
        return _too_many(request, exc)
    except ExportParamsError as exc:
        return _bad_params(request, export, exc, back)
    count = rows.count()
    if count <= jobs.inline_limit():
        out = io.BytesIO()
        filename = jobs.build_inline(request.user, kind, params, out)
        return _download(out.getvalue(), filename, export.content_type)
    return render(
        request,
        "exports/confirm.html",
        {
            "export": export,
            "count": count,
            "limit": jobs.inline_limit(),
            "action": request.path + (f"?{query}" if query else ""),
            "back": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposals_xlsx(request: HttpRequest) -> HttpResponse:
    return _list_export(request, "proposals", "proposals:list")


@login_required
@require_http_methods(["GET", "POST"])
def assignments_xlsx(request: HttpRequest) -> HttpResponse:
    return _list_export(request, "assignments", "proposals:inbox")


# ---- Word documents -------------------------------------------------------------------------


@login_required
@require_GET
def proposal_docx(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(sources.proposal_rows(request.user), pk=pk)
    name = _("提案-{n}.docx").format(n=proposal.number or proposal.pk)
    return _download(_docx_bytes(build_proposal_docx(proposal)), name, jobs.DOCX)


@login_required
@require_GET
def reply_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply letter, for whoever may see its proposal."""
    visible = Proposal.objects.visible_to(request.user).values("pk")
    reply = get_object_or_404(
        Reply.objects.filter(assignment__proposal__in=visible).select_related(
            "assignment__unit",
            "assignment__proposal__committee",
            "assignment__proposal__session",
            "assignment__proposal__proposer",
            "assignment__proposal__organization",
        ),
        pk=pk,
    )
    proposal = reply.assignment.proposal
    name = _("答复函-{n}-{unit}.docx").format(
        n=proposal.number or proposal.pk, unit=reply.assignment.unit
    )
    return _download(_docx_bytes(reply_letter_docx(reply)), name, jobs.DOCX)


# ---- compilations ---------------------------------------------------------------------------


def _sessions_with_counts(user) -> list[Session]:
    """The user's sessions, newest first, each with ``filed`` = its filed proposals."""
    sessions = list(
        restrict_to_committees(Session.objects.select_related("committee"), user).order_by(
            "committee", "-term", "-meeting"
        )
    )
    counts = dict(
        Proposal.objects.visible_to(user)
        .filter(session__in=[s.pk for s in sessions], state__in=groups.values(groups.FILED))
        .exclude(sequence__isnull=True)
        .values_list("session")
        .annotate(n=Count("pk"))
        .values_list("session", "n")
    )
    for s in sessions:
        s.filed = counts.get(s.pk, 0)
    return sessions


@login_required
@require_http_methods(["GET", "POST"])
def compilation(request: HttpRequest, pk: int) -> HttpResponse:
    """提案汇编 of one session: GET offers it, POST starts the job (staff only)."""
    if not jobs.can_compile(request.user):
        raise PermissionDenied
    session = get_object_or_404(
        restrict_to_committees(Session.objects.select_related("committee"), request.user), pk=pk
    )
    params = {"session": [str(session.pk)]}
    if request.method == "POST":
        try:
            job = jobs.start_export(request.user, "compilation", params)
        except jobs.ExportLimitReached as exc:
            return _too_many(request, exc)
        return redirect("exports:job", job.pk)
    count = sources.compilation(request.user, session).count()
    return render(
        request,
        "exports/confirm.html",
        {
            "export": jobs.EXPORTS["compilation"],
            "session": session,
            "count": count,
            "action": request.path,
            "back": reverse("exports:index"),
        },
    )


# ---- jobs -----------------------------------------------------------------------------------


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


def job_state(job: ExportJob) -> dict:
    done = job.status == ExportJob.Status.DONE
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "filename": job.filename,
        "download_url": reverse("exports:download", args=[job.pk]) if done else None,
        "error": job.error,
    }


@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress bar, kept current by static/js/exports.js; then its link."""
    item = _own_job(request, pk)
    return render(
        request,
        "exports/job.html",
        {"job": item, "export": jobs.EXPORTS.get(item.kind)},
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(job_state(_own_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    return private_file_response(*jobs.finished_file(_own_job(request, pk)))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The user's recent exports; for staff, each session's compilation."""
    recent = ExportJob.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "exports/index.html",
        {
            "jobs": [(j, jobs.EXPORTS.get(j.kind)) for j in recent[:RECENT_JOBS]],
            "sessions": _sessions_with_counts(request.user)
            if jobs.can_compile(request.user)
            else None,
        },
    )
