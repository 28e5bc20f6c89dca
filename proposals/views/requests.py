"""Units' requests to re-route an assignment (申请调整), as staff decide them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals import forms as f
from proposals import queries
from proposals.choices import RequestStatus
from proposals.models import ReassignmentRequest
from proposals.services import handling
from proposals.views.common import paginate, sorting


@login_required
def reassignment_requests(request: HttpRequest) -> HttpResponse:
    """Re-routing requests: staff decide them here; units follow their own (and read the
    decision), supervisors those of their committee — the same list as the API's."""
    if not may(request.user, Capability.LIST_REROUTING):
        raise PermissionDenied
    deciding = may(request.user, Capability.DECIDE_REROUTING)
    assignments = queries.assignment_list(request.user)
    items = ReassignmentRequest.objects.filter(
        assignment__in=assignments.values("pk")
    ).select_related("assignment__unit", "assignment__proposal", "requested_by", "decided_by")
    sort = sorting(
        request,
        {
            "pending": (_("待审批优先"), ("status", "-id")),
            "new": (_("最新"), ("-id",)),
            "old": (_("最早"), ("id",)),
        },
    )
    page = paginate(request, items.order_by(*sort["order_by"]))
    forms_by_id = {
        r.pk: f.DecisionForm(committee_id=r.assignment.proposal.committee_id, prefix=f"r{r.pk}")
        for r in page.object_list
        if deciding and r.status == RequestStatus.PENDING
    }
    return render(
        request,
        "proposals/requests.html",
        {"page": page, "forms": forms_by_id, "deciding": deciding, **sort},
    )


@login_required
@require_POST
def decide_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignments = queries.assignment_list(request.user)
    item = get_object_or_404(
        ReassignmentRequest.objects.filter(assignment__in=assignments.values("pk")), pk=pk
    )
    form = f.DecisionForm(
        request.POST, committee_id=item.assignment.proposal.committee_id, prefix=f"r{pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            handling.decide_reassignment(
                request.user,
                item,
                approve=data["decision"] == "approve",
                new_unit=data["unit"].pk if data["unit"] else None,
                note=data["note"],
            )
            messages.success(request, _("已处理调整申请。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请检查输入。"))
    return redirect("proposals:requests")
