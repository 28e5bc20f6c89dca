"""Writing a proposal: create, edit, autosave, attachments."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc import uploads
from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals import forms as f
from proposals import workflow
from proposals.models import Proposal
from proposals.services import drafting
from proposals.views.common import apply_error, returned_because


def _form_data(form: f.ProposalForm) -> tuple[dict, list[int] | None]:
    data = {
        k: form.cleaned_data[k] for k in ("title", "category", "topic", "background", "suggestions")
    }
    cosigners = (
        [m.pk for m in form.cleaned_data["cosigners"]] if "cosigners" in form.fields else None
    )
    return data, cosigners


def _save_draft(user, proposal: Proposal, form: f.ProposalForm) -> None:
    """Save the form's content; the version it was loaded at guards against a second tab."""
    data, cosigners = _form_data(form)
    drafting.update_draft(
        user, proposal.pk, data, cosigners=cosigners, expected_version=form.cleaned_data["version"]
    )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.WRITE_PROPOSALS):
        raise PermissionDenied
    form = f.ProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, cosigners = _form_data(form)
        try:
            proposal = drafting.create_draft(request.user, data, cosigners=cosigners or [])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("proposals:edit", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    if workflow.problem(request.user, "edit", proposal) is not None:
        return redirect(proposal)
    initial = {
        "title": proposal.title,
        "category": proposal.category,
        "topic": proposal.topic_id,
        "background": proposal.background,
        "suggestions": proposal.suggestions,
        "cosigners": [c.member_id for c in proposal.cosigners.all()],
        "version": proposal.version,
    }
    form = f.ProposalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_draft(request.user, proposal, form)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if "submit" not in request.POST:
                messages.success(request, _("草稿已保存。"))
                return redirect("proposals:edit", pk=proposal.pk)
            try:
                drafting.submit(request.user, proposal.pk)
            except DomainError as exc:
                messages.error(request, exc.message)  # saved, but not ready to submit
                return redirect("proposals:edit", pk=proposal.pk)
            messages.success(request, _("提案已提交。"))
            return redirect(proposal)
    attachments = proposal.attachments.all()
    upload = {
        "accept": uploads.allowed_extensions("attachment"),
        "limit_mb": settings.UPLOAD_MAX_MB["attachment"],
    }
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "proposal": proposal,
            "attachments": attachments,
            "upload": upload,
            "returned_because": returned_because(proposal),
        },
    )


@login_required
@require_POST
def proposal_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the draft in the background; a stale version answers 409 with a message."""
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    form = f.ProposalForm(request.POST, user=request.user)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors}, status=400)
    try:
        _save_draft(request.user, proposal, form)
    except DomainError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=exc.status_code)
    proposal.refresh_from_db(fields=["version", "updated_at"])
    return JsonResponse(
        {
            "ok": True,
            "version": proposal.version,
            "saved_at": timezone.localtime(proposal.updated_at).strftime("%H:%M:%S"),
        }
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    try:
        drafting.add_attachment(request.user, proposal.pk, request.FILES.get("file"))
        messages.success(request, _("附件已上传。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("proposals:edit", pk=pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    try:
        drafting.remove_attachment(request.user, proposal.pk, attachment_id)
        messages.success(request, _("附件已删除。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("proposals:edit", pk=pk)


# ---- detail and actions -------------------------------------------------------------------
