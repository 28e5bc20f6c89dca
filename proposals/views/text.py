"""Pages of the text model: similar proposals while writing (a fragment the form fetches
after a pause in typing), and the merge-suggestion queue for staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.models import Session
from committees.scoping import restrict_to_committees
from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals.models import Proposal
from proposals.services import review
from proposals.text import merge_queue, similar

MAX_TEXT = 5000


@login_required
def similar_fragment(request: HttpRequest) -> HttpResponse:
    """The similar-proposal list for the text being written (empty when nothing is close)."""
    text = request.GET.get("text", "")[:MAX_TEXT]
    exclude = [int(x) for x in request.GET.getlist("exclude") if x.isdigit()]
    found = similar.for_text(request.user, text, exclude=exclude) if text.strip() else []
    return render(request, "proposals/similar_list.html", {"similar": found, "writing": True})


def _sessions(user):
    return restrict_to_committees(Session.objects.all(), user).order_by("-plenary_start")


@login_required
def merge_suggestions(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.ROUTE_PROPOSALS):
        raise PermissionDenied
    sessions = list(_sessions(request.user))
    chosen = next((s for s in sessions if str(s.pk) == request.GET.get("session")), None)
    begun = [s for s in sessions if s.plenary_start <= timezone.localdate()]
    chosen = chosen or (begun or sessions or [None])[0]  # the current session by default
    groups = (
        merge_queue.suggestions(Proposal.objects.visible_to(request.user), chosen.pk)
        if chosen
        else []
    )
    return render(
        request,
        "proposals/merge_suggestions.html",
        {"groups": groups, "sessions": sessions, "chosen": chosen},
    )


@login_required
@require_POST
def dismiss_merge(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("proposals") if x.isdigit()]
    try:
        review.dismiss_merge_suggestion(request.user, ids)
    except DomainError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录：这组提案不并案，今后不再建议。"))
    back = request.POST.get("session", "")
    url = "proposals:merge_suggestions"
    return redirect(f"{redirect(url).url}?session={back}" if back.isdigit() else url)
