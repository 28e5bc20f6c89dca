"""Browser pages of 优秀提案评选. Views pick the round (``queries.rounds_visible_to``),
bind a form and call one function of ``proposals.services.awards``; the service's
errors come back as field errors on the same page (or a message for the buttons)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import CommitteeEvent
from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from members.capabilities import Capability, may
from proposals.awards import forms as f
from proposals.awards.queries import rounds_visible_to
from proposals.models import AwardRound, AwardScore, Nomination, Proposal
from proposals.services import awards

PAGE_SIZE = 20
CANDIDATE_LIMIT = 20
LOG_LIMIT = 30


def _round(request: HttpRequest, pk: int) -> AwardRound:
    return get_object_or_404(
        rounds_visible_to(request.user).select_related("session", "committee"), pk=pk
    )


def _nomination(award_round: AwardRound, nomination_id: int) -> Nomination:
    return get_object_or_404(Nomination.objects.filter(round=award_round), pk=nomination_id)


def _apply_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _run(request: HttpRequest, call: Callable[[], object], form=None) -> bool:
    """Call the service; its refusal becomes a 403, a field error on ``form``, or — when
    the round is past that step, or there is no form — a message."""
    try:
        call()
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if form is not None and not isinstance(exc, InvalidTransition):
            _apply_error(form, exc)
        else:
            messages.error(request, exc.message)
        return False
    return True


def _require_actor(request: HttpRequest, award_round: AwardRound, step: str) -> None:
    """403 unless the user is who takes ``step`` (the round's table says); whether the round
    is at that step is the service's to say, after the form is read."""
    try:
        awards.check_step(request.user, award_round, step)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidTransition:
        pass


def _back(pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("awards:round", args=[pk]) + anchor)


# ---- lists -----------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    rounds = (
        rounds_visible_to(user)
        .select_related("session")
        .annotate(
            nominated=Count("nominations", distinct=True),
            chosen=Count("nominations", filter=Q(nominations__selected=True), distinct=True),
        )
        .order_by("-year", "-id")
    )
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = [r.pk for r in page]
    sitting = set(user.award_rounds.filter(pk__in=on_page).values_list("pk", flat=True))
    for r in page:
        r.manager = awards.can_manage(user, r.committee_id)
        r.sitting = r.pk in sitting
    return render(
        request,
        "awards/index.html",
        {
            "page": page,
            "can_create": bool(user.committee_id) and may(user, Capability.MANAGE_AWARDS),
        },
    )


# ---- creating and editing rounds -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.committee_id or not awards.can_manage(user, user.committee_id):
        raise PermissionDenied
    form = f.RoundForm(request.POST or None, committee_id=user.committee_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[AwardRound] = []

        def create() -> None:
            created.append(
                awards.create_round(
                    user,
                    name=data["name"],
                    year=data["year"],
                    session=data["session"],
                    rubric=data["rubric"],
                    quota=data["quota"],
                    reviewers=list(data["reviewers"]),
                )
            )

        if _run(request, create, form):
            messages.success(request, _("评选已创建，可以开始推荐提案。"))
            return redirect("awards:round", pk=created[0].pk)
    return render(request, "awards/round_form.html", {"form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round(request, pk)
    try:
        awards.check_step(request.user, award_round, "edit")
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("awards:round", pk=pk)
    form = f.RoundForm(
        request.POST or None, committee_id=award_round.committee_id, award_round=award_round
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "name": data["name"],
            "quota": data["quota"],
            "reviewers": list(data["reviewers"]),
        }
        if award_round.status == AwardRound.Status.NOMINATING:
            changes.update(year=data["year"], session=data["session"], rubric=data["rubric"])
        if _run(request, lambda: awards.update_round(request.user, award_round, **changes), form):
            messages.success(request, _("评选设置已保存。"))
            return redirect("awards:round", pk=pk)
        if not form.errors:
            return redirect("awards:round", pk=pk)
    return render(request, "awards/round_form.html", {"form": form, "round": award_round})


# ---- the round page --------------------------------------------------------------------------


def _render_round(
    request: HttpRequest,
    award_round: AwardRound,
    *,
    nominate_form: f.NominateForm | None = None,
    score_forms: dict[int, f.ScoreForm] | None = None,
    select_form: f.SelectForm | None = None,
) -> HttpResponse:
    user = request.user
    status = award_round.status
    manager = awards.can_manage(user, award_round.committee_id)
    steps = awards.allowed_steps(user, award_round)
    reviewers = list(award_round.reviewers.order_by("display_name", "username"))
    sitting = any(r.pk == user.pk for r in reviewers)
    if not manager and not sitting:
        return redirect("awards:published", pk=award_round.pk)
    ranked = awards.ranking(award_round)
    readable = set(
        Proposal.objects.visible_to(user)
        .filter(pk__in=[x.proposal.pk for x in ranked])
        .values_list("pk", flat=True)
    )
    context: dict = {
        "readable": readable,
        "round": award_round,
        "manager": manager,
        "steps": dict.fromkeys(steps, True),
        "sitting": sitting,
        "reviewers": reviewers,
        "nominating": status == AwardRound.Status.NOMINATING,
        "scoring": status == AwardRound.Status.SCORING,
        "published": status == AwardRound.Status.PUBLISHED,
        "ranked": ranked,
        "chosen": [x for x in ranked if x.nomination.selected],
    }
    if manager:
        context |= _panel_progress(award_round, reviewers)
    if "nominate" in steps:
        context |= _candidates(award_round, request.GET.get("q", "").strip())
        context["nominate_form"] = nominate_form or f.NominateForm(award_round=award_round)
    if "select" in steps:
        context["select_form"] = select_form or f.SelectForm(
            award_round=award_round,
            initial={"nominations": [x.nomination.pk for x in context["chosen"]]},
        )
        context["checked"] = {
            int(v) for v in context["select_form"]["nominations"].value() or [] if str(v).isdigit()
        }
    if sitting:
        bound = (score_forms or {}) if "score" in steps else None
        context |= _own_scores(award_round, user, ranked, bound)
    return render(request, "awards/round.html", context)


def _panel_progress(award_round: AwardRound, reviewers: list) -> dict:
    """What staff see of the panel: how far each reviewer is, and the round's log."""
    progress = dict(
        AwardScore.objects.filter(nomination__round=award_round)
        .values_list("reviewer_id")
        .annotate(n=Count("id"))
    )
    log = (
        CommitteeEvent.objects.filter(
            committee_id=award_round.committee_id, data__round=award_round.pk
        )
        .exclude(action__in=("award_scored", "award_rescored"))
        .select_related("actor")
        .order_by("-id")[:LOG_LIMIT]
    )
    return {"progress": [(r, progress.get(r.pk, 0)) for r in reviewers], "log": log}


def _candidates(award_round: AwardRound, query: str) -> dict:
    """Filed proposals that may still be nominated, found by number or title."""
    candidates = (
        awards.eligible_proposals(award_round)
        .exclude(nominations__round=award_round)
        .select_related("proposer", "organization")
        .order_by("number", "id")
    )
    if query:
        candidates = candidates.filter(Q(number__icontains=query) | Q(title__icontains=query))
    found = list(candidates[: CANDIDATE_LIMIT + 1])
    return {
        "query": query,
        "candidates": found[:CANDIDATE_LIMIT],
        "more_candidates": len(found) > CANDIDATE_LIMIT,
    }


def _own_scores(award_round: AwardRound, user, ranked: list, score_forms: dict | None) -> dict:
    """A reviewer's own marks, one row per nomination; ``score_forms`` (bound forms by
    nomination) when the reviewer may score now, None when the marks are read-only."""
    own = {
        s.nomination_id: s
        for s in AwardScore.objects.filter(nomination__round=award_round, reviewer=user)
    }
    rows = []
    # The panel scores blind: by number, not by the current ranking.
    for item in sorted(ranked, key=lambda x: (x.proposal.number, x.nomination.pk)):
        mine = own.get(item.nomination.pk)
        form = None
        if score_forms is not None:
            form = score_forms.get(item.nomination.pk) or f.ScoreForm(
                rubric=award_round.rubric, nomination=item.nomination, initial=_initial(mine)
            )
        rows.append({"item": item, "mine": mine, "form": form})
    return {"score_rows": rows, "scored_count": len(own)}


def _initial(score: AwardScore | None) -> dict:
    if score is None:
        return {}
    initial = {f.point_field(k): v for k, v in score.points.items()}
    initial["comment"] = score.comment
    return initial


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_round(request, _round(request, pk))


@login_required
@require_POST
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round(request, pk)
    _require_actor(request, award_round, "nominate")
    form = f.NominateForm(request.POST, award_round=award_round)
    if form.is_valid():
        data = form.cleaned_data
        call = lambda: awards.nominate(  # noqa: E731
            request.user, award_round, data["proposal"], data["reason"]
        )
        if _run(request, call, form):
            messages.success(request, _("已推荐提案 %(n)s。") % {"n": data["proposal"].number})
            return _back(pk, "#nominations")
        if not form.errors:  # the round is past nominating: said in a message
            return _back(pk)
    return _render_round(request, award_round, nominate_form=form)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, nomination_id: int) -> HttpResponse:
    award_round = _round(request, pk)
    nomination = _nomination(award_round, nomination_id)
    reason = request.POST.get("reason", "")
    if _run(request, lambda: awards.withdraw_nomination(request.user, nomination, reason)):
        messages.success(request, _("已撤回推荐。"))
    return _back(pk, "#nominations")


@login_required
@require_POST
def open_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round(request, pk)
    if _run(request, lambda: awards.open_scoring(request.user, award_round)):
        messages.success(request, _("评审已开始，已通知评审组成员。"))
    return redirect("awards:round", pk=pk)


@login_required
@require_POST
def score(request: HttpRequest, pk: int, nomination_id: int) -> HttpResponse:
    award_round = _round(request, pk)
    nomination = _nomination(award_round, nomination_id)
    form = f.ScoreForm(request.POST, rubric=award_round.rubric, nomination=nomination)
    if form.is_valid():
        call = lambda: awards.score(  # noqa: E731
            request.user, nomination, form.points(), form.cleaned_data["comment"]
        )
        if _run(request, call, form):
            messages.success(request, _("打分已保存。"))
            return _back(pk, f"#n{nomination.pk}")
        if not form.errors:
            return _back(pk, f"#n{nomination.pk}")
    return _render_round(request, award_round, score_forms={nomination.pk: form})


@login_required
@require_POST
def select(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round(request, pk)
    _require_actor(request, award_round, "select")
    form = f.SelectForm(request.POST, award_round=award_round)
    if form.is_valid():
        ids = [n.pk for n in form.cleaned_data["nominations"]]
        if _run(request, lambda: awards.select(request.user, award_round, ids), form):
            messages.success(request, _("已选定 %(n)s 件优秀提案。") % {"n": len(ids)})
            return _back(pk, "#ranking")
        if not form.errors:
            return _back(pk, "#ranking")
    return _render_round(request, award_round, select_form=form)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round(request, pk)
    if _run(request, lambda: awards.publish(request.user, award_round)):
        messages.success(request, _("评选结果已公布，已通知获评提案的提案人。"))
        return redirect("awards:published", pk=pk)
    return _back(pk, "#ranking")


# ---- the published list ----------------------------------------------------------------------


@login_required
def published(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen proposals in rank order, readable by everyone in the committee."""
    award_round = _round(request, pk)
    if award_round.status != AwardRound.Status.PUBLISHED:
        raise Http404
    chosen = [x for x in awards.ranking(award_round) if x.nomination.selected]
    ids = [x.proposal.pk for x in chosen]
    readable = set(
        Proposal.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return render(
        request,
        "awards/published.html",
        {
            "round": award_round,
            "chosen": chosen,
            "readable": readable,
            "manager": awards.can_manage(request.user, award_round.committee_id),
        },
    )
