"""A proposal's page and its action panels; each panel runs one service function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.workcalendar import WorkCalendar
from cppcc.errors import DomainError
from members.capabilities import Capability, may
from proposals import conditions, queries, work_centre, workflow
from proposals import forms as f
from proposals.choices import DeadlineKind, State, UnitRole
from proposals.domain import groups
from proposals.history import timeline
from proposals.models import Proposal
from proposals.queries import current_deadline
from proposals.services import drafting, feedback, handling, review, supervision, urging
from proposals.text import routing, similar
from proposals.views.common import apply_error, returned_because
from proposals.views.lists import reroute_days_left
from proposals.views.notices import reminder_log


@dataclass(frozen=True)
class UiAction:
    form: type[f.EmptyForm]
    run: Callable
    style: str = "primary"


def _kw(form) -> dict:
    return form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)


PROPOSAL_ACTIONS: dict[str, UiAction] = {
    "submit": UiAction(f.EmptyForm, lambda u, p, a, form: drafting.submit(u, p.pk)),
    "withdraw": UiAction(
        f.WithdrawForm, lambda u, p, a, form: drafting.withdraw(u, p.pk, **_kw(form)), "danger"
    ),
    "cosign": UiAction(f.EmptyForm, lambda u, p, a, form: drafting.cosign(u, p.pk)),
    "decline_cosign": UiAction(
        f.EmptyForm, lambda u, p, a, form: drafting.decline_cosign(u, p.pk), "danger"
    ),
    "remove_cosigner": UiAction(
        f.RemoveCosignerForm,
        lambda u, p, a, form: drafting.remove_cosigner(u, p.pk, form.cleaned_data["member"]),
        "secondary",
    ),
    "review": UiAction(f.ReviewForm, lambda u, p, a, form: review.review(u, p.pk, **_kw(form))),
    "file": UiAction(f.EmptyForm, lambda u, p, a, form: review.file(u, p.pk)),
    "merge": UiAction(
        f.MergeForm, lambda u, p, a, form: review.merge(u, p.pk, **_kw(form)), "secondary"
    ),
    "transfer": UiAction(
        f.TransferForm, lambda u, p, a, form: review.transfer(u, p.pk, **_kw(form)), "secondary"
    ),
    "assign": UiAction(f.AssignForm, lambda u, p, a, form: handling.assign(u, p.pk, **_kw(form))),
    "extend": UiAction(
        f.ExtendForm, lambda u, p, a, form: handling.extend(u, p.pk, **_kw(form)), "secondary"
    ),
    "mark_key": UiAction(
        f.MarkKeyForm, lambda u, p, a, form: supervision.mark_key(u, p.pk, **_kw(form)), "secondary"
    ),
    "supervise": UiAction(
        f.SuperviseForm, lambda u, p, a, form: supervision.supervise(u, p.pk, **_kw(form))
    ),
    "feedback": UiAction(
        f.FeedbackForm, lambda u, p, a, form: feedback.give_feedback(u, p.pk, **_kw(form))
    ),
    "close": UiAction(f.EmptyForm, lambda u, p, a, form: feedback.close(u, p.pk), "secondary"),
}
ASSIGNMENT_ACTIONS: dict[str, UiAction] = {
    "accept": UiAction(f.EmptyForm, lambda u, p, a, form: handling.accept(u, a)),
    "request_reassignment": UiAction(
        f.ReasonForm,
        lambda u, p, a, form: handling.request_reassignment(u, a, **_kw(form)),
        "secondary",
    ),
    "communicate": UiAction(
        f.CommunicationForm,
        lambda u, p, a, form: handling.communicate(u, a, **_kw(form)),
        "secondary",
    ),
    "give_opinion": UiAction(
        f.OpinionForm, lambda u, p, a, form: handling.give_opinion(u, a, **_kw(form))
    ),
    "reply": UiAction(f.ReplyForm, lambda u, p, a, form: handling.reply(u, a, **_kw(form))),
    "urge": UiAction(f.EmptyForm, lambda u, p, a, form: urging.urge(u, a), "secondary"),
}


# A link may open a panel with a choice made: ?merge_into=<id> (from a similar proposal or
# the merge queue), ?lead=<id> (a suggested unit).
PREFILL = {"merge_into": ("merge", "into"), "lead": ("assign", "lead_unit")}


def _prefill(query) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for param, (name, field) in PREFILL.items():
        value = query.get(param, "")
        if value.isdigit():
            found.setdefault(name, {})[field] = int(value)
    return found


# Unit-level actions decided on a page of their own (the staff's re-routing queue), which
# the proposal page links to instead of repeating the form.
DECIDED_ELSEWHERE = {"decide_reassignment": "proposals:requests"}


def _panels(
    user, proposal: Proposal, bound: dict | None = None, prefill: dict | None = None
) -> tuple[list, list]:
    """The action forms this user may use now: proposal-level, then per assignment."""
    bound, prefill = bound or {}, prefill or {}
    today = timezone.localdate()
    proposal_panels = []
    for name in workflow.allowed_actions(user, proposal, today):
        if name not in PROPOSAL_ACTIONS:
            continue
        form = bound.get(("p", name)) or PROPOSAL_ACTIONS[name].form(
            proposal=proposal, prefix=name, initial=prefill.get(name)
        )
        label = workflow.BY_NAME[name].label
        if name == "withdraw" and proposal.state == State.DRAFT:
            label = _("删除草稿")  # a draft nobody has seen: it is kept as withdrawn
        proposal_panels.append(
            {
                "name": name,
                "quick": not form.visible_fields(),  # one click: nothing to fill in
                "open": name in prefill,
                "label": label,
                "form": form,
                "style": PROPOSAL_ACTIONS[name].style,
            }
        )
    assignment_panels = []
    for a in proposal.assignments.all():
        for name in workflow.allowed_assignment_actions(user, a, today):
            if name in DECIDED_ELSEWHERE:  # a queue of its own: link there
                assignment_panels.append(
                    {
                        "name": name,
                        "quick": True,
                        "link": reverse(DECIDED_ELSEWHERE[name]),
                        "label": workflow.BY_NAME[name].label,
                        "assignment": a,
                    }
                )
                continue
            spec = ASSIGNMENT_ACTIONS[name]
            form = bound.get((a.pk, name)) or spec.form(
                proposal=proposal, assignment=a, prefix=f"a{a.pk}-{name}"
            )
            assignment_panels.append(
                {
                    "name": name,
                    "quick": not form.visible_fields(),
                    "label": workflow.BY_NAME[name].label,
                    "form": form,
                    "assignment": a,
                    "style": spec.style,
                }
            )
    return proposal_panels, assignment_panels


def _unavailable(user, proposal: Proposal) -> list[dict]:
    """The user's to-dos that cannot be done yet, each with the reason (the workflow's
    ``blocked``): shown as disabled buttons, so no action vanishes without a word."""
    return [
        {"label": workflow.BY_NAME[b.action].label, "assignment": b.assignment, "reason": b.reason}
        for b in workflow.blocked_anywhere(user, proposal, timezone.localdate())
    ]


def _text_help(user, proposal: Proposal, panels: list) -> dict:
    """For staff: the proposals like this one (a merge a click away where merging is
    possible) and, where it may be assigned, the suggested units and category."""
    if not may(user, Capability.ROUTE_PROPOSALS):
        return {}
    names = {panel["name"] for panel in panels}
    found = similar.for_proposal(user, proposal)
    targets = (
        [s.proposal.pk for s in found if s.proposal.state in groups.MERGE_TARGETS]
        if "merge" in names
        else []
    )
    suggested = routing.suggest(proposal) if "assign" in names else None
    return {"similar": found, "merge_targets": targets, "routing": suggested}


def _detail(request: HttpRequest, proposal: Proposal, bound: dict | None = None, status: int = 200):
    conditions.attach_rules([proposal])
    proposal_panels, assignment_panels = _panels(
        request.user, proposal, bound, _prefill(request.GET)
    )
    events = list(timeline(proposal))
    calendar = WorkCalendar.for_committee(proposal.committee_id)
    today = timezone.localdate()
    assignments = [
        {
            "a": a,
            "deadline": current_deadline(a),
            "reroute_days": reroute_days_left(a, today, calendar),
        }
        for a in proposal.assignments.all()
    ]
    replies = sorted(
        (r for a in proposal.assignments.all() for r in a.replies.all()), key=lambda r: r.pk
    )
    return render(
        request,
        "proposals/detail.html",
        {
            "p": proposal,
            "proposal_panels": proposal_panels,
            "assignment_panels": assignment_panels,
            "events": events,
            "assignments": assignments,
            "replies": replies,
            "communications": [
                c for a in proposal.assignments.all() for c in a.communications.all()
            ],
            "opinions": [o for a in proposal.assignments.all() for o in a.opinions.all()],
            "reminder_log": reminder_log(request.user, proposal),
            "meta_parts": [
                str(part)
                for part in (
                    proposal.session,
                    proposal.get_kind_display() if proposal.kind else "",
                    proposal.get_source_display(),
                    proposal.get_category_display(),
                )
                if part
            ],
            "unavailable": _unavailable(request.user, proposal),
            "returned_because": returned_because(proposal),
            "may_edit": workflow.problem(request.user, "edit", proposal) is None,
            **_text_help(request.user, proposal, proposal_panels),
        },
        status=status,
    )


def _detail_queryset(user):
    return queries.proposal_detail(user).prefetch_related(
        "assignments__communications", "assignments__opinions__assignment__unit"
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(_detail_queryset(request.user), pk=pk)
    return _detail(request, proposal)


@login_required
def proposal_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one proposal action from its form; on error show the page with the form bound."""
    spec = PROPOSAL_ACTIONS.get(name)
    if spec is None:
        raise Http404
    proposal = get_object_or_404(_detail_queryset(request.user), pk=pk)
    if request.method != "POST":
        return redirect(proposal)
    form = spec.form(request.POST, request.FILES, proposal=proposal, prefix=name)
    if name == "assign" and form.is_valid() and "confirm" not in request.POST:
        return _assign_preview(request, proposal, form)
    return _run(request, proposal, None, name, spec, form, ("p", name))


@login_required
@require_POST
def assignment_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    spec = ASSIGNMENT_ACTIONS.get(name)
    if spec is None:
        raise Http404
    assignment = get_object_or_404(queries.assignment_list(request.user), pk=pk)
    proposal = get_object_or_404(_detail_queryset(request.user), pk=assignment.proposal_id)
    assignment = next(a for a in proposal.assignments.all() if a.pk == assignment.pk)
    form = spec.form(
        request.POST,
        request.FILES,
        proposal=proposal,
        assignment=assignment,
        prefix=f"a{pk}-{name}",
    )
    return _run(request, proposal, assignment, name, spec, form, (assignment.pk, name))


def _run(request, proposal, assignment, name, spec, form, key) -> HttpResponse:
    if form.is_valid():
        try:
            spec.run(request.user, proposal, assignment, form)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            apply_error(form, exc)
        else:
            work_centre.forget_count(request.user)
            messages.success(request, _done_message(request.user, proposal.pk, name))
            if (
                name == "transfer"
                or not Proposal.objects.visible_to(request.user).filter(pk=proposal.pk).exists()
            ):
                return redirect("proposals:list")
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
                return redirect(back)  # a list's button (the overdue board's 催办)
            return redirect(proposal)
    proposal = _detail_queryset(request.user).get(pk=proposal.pk)
    return _detail(request, proposal, bound={key: form})


def _done_message(user, proposal_id: int, name: str) -> str:
    """What happened and what comes next, e.g. 「立案」已完成，案号 14-5-0027。提案现为
    「已立案」；下一步：交办。 — the next step being the user's own to-dos now."""
    label = workflow.BY_NAME[name].label
    p = queries.proposal_list(user).filter(pk=proposal_id).first()
    if p is None:  # transferred or merged out of the user's sight
        return _("「{action}」已完成。").format(action=label)
    queries.prepare_rows([p])
    text = _("「{action}」已完成").format(action=label)
    if name == "file" and p.number:
        text += _("，案号 {number}").format(number=p.number)
    text += _("。提案现为「{state}」").format(state=p.get_state_display())
    following = [str(workflow.BY_NAME[n].label) for n in workflow.todos(user, p)]
    if following:
        text += _("；下一步：{steps}").format(steps="、".join(following))
    return text + "。"


def _assign_preview(request, proposal, form) -> HttpResponse:
    kwargs = form.service_kwargs()
    try:
        rows = handling.preview_deadlines(
            proposal, kwargs["lead_unit"], kwargs["co_units"], kwargs["separate_units"]
        )
    except DomainError as exc:
        apply_error(form, exc)
        proposal = _detail_queryset(request.user).get(pk=proposal.pk)
        return _detail(request, proposal, bound={("p", "assign"): form})
    for row in rows:
        row["role_label"] = UnitRole(row["role"]).label
        row["kind_label"] = DeadlineKind(row["kind"]).label
    hidden = [
        (key, value)
        for key in request.POST
        if key.startswith("assign-")
        for value in request.POST.getlist(key)
    ]
    return render(
        request, "proposals/assign_preview.html", {"p": proposal, "rows": rows, "hidden": hidden}
    )
