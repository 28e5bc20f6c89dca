"""Helpers every proposal page shares: sorting links, pagination, filter summaries."""

from __future__ import annotations

from django import forms as django_forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from committees import reference
from committees.models import Committee, HandlingUnit, Organization, Sector, Session
from committees.scoping import (
    committee_ids,
    restrict_to_committees,
    statistics_committee_ids,
)
from cppcc.counting import CappedPaginator
from cppcc.errors import DomainError
from cppcc.widgets import QuickSelect
from proposals.choices import ReviewDecision, State

PAGE_SIZE = 20


def sorting(request: HttpRequest, options: dict[str, tuple[str, tuple]]) -> dict:
    """The chosen sort of a list: ``options`` maps key → (label, order_by fields); the
    first is the default. Returns template context plus the ``order_by`` to apply."""
    key = request.GET.get("sort")
    if key not in options:
        key = next(iter(options))
    keep = [
        (k, v) for k, values in request.GET.lists() if k not in ("sort", "page") for v in values
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "sort": key,
        "sort_options": [(k, label) for k, (label, _fields) in options.items()],
        "order_by": options[key][1],
        "keep": keep,
        "query": query.urlencode(),
    }


def paginate(request: HttpRequest, items, size: int = PAGE_SIZE):
    return CappedPaginator(items, size).get_page(request.GET.get("page"))


# ---- lists ----------------------------------------------------------------------------------


def humanize_filters(form, user) -> None:
    """Show id filters as choices of the user's committees (the filterset stays one)."""
    ids = statistics_committee_ids(user)
    committees = Committee.objects.all() if ids is None else Committee.objects.filter(pk__in=ids)
    own = committee_ids(user)
    sources = {
        "committee": (committees, ids),
        "session": (restrict_to_committees(Session.objects.all(), user), own),
        "sector": (restrict_to_committees(Sector.objects.all(), user), own),
        "organization": (restrict_to_committees(Organization.objects.all(), user), own),
        "unit": (restrict_to_committees(HandlingUnit.objects.all(), user), own),
    }
    every = _("全部")
    for name, (queryset, scope) in sources.items():
        if name in form.fields:
            choices = [("", every), *reference.choices(queryset, scope)]
            form.fields[name].widget = QuickSelect(choices=choices)
    for form_field in form.fields.values():
        if isinstance(form_field, django_forms.NullBooleanField):
            # Not Django's 未知/是/否: an empty choice means "do not filter".
            choices = [("", every), ("true", _("是")), ("false", _("否"))]
            form_field.widget = QuickSelect(choices=choices)
        elif isinstance(form_field, django_forms.ChoiceField) and not isinstance(
            form_field, django_forms.MultipleChoiceField
        ):
            form_field.choices = [("", every), *(c for c in form_field.choices if c[0] != "")]
    for name in ("state", "category", "status", "proposal_state"):
        if name in form.fields:
            form.fields[name].widget = django_forms.CheckboxSelectMultiple(
                choices=form.fields[name].choices
            )


def apply_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def returned_because(proposal):
    """The review that returned the proposal for revision, shown on top of its page and
    its edit form while it is returned (None otherwise)."""
    if proposal.state != State.RETURNED:
        return None
    returns = [r for r in proposal.reviews.all() if r.decision == ReviewDecision.RETURN]
    return max(returns, key=lambda r: r.pk, default=None)
