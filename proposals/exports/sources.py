"""The rows of each export: the same visible-to-user querysets and filtersets as the lists.

An export of ``/proposals/?state=filed&sort=number`` holds exactly the proposals that
list shows, in the same order; bad filter values are an error here (the list page just
ignores them), so nobody downloads a file that silently lacks the filter they asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.http import QueryDict

from proposals import queries
from proposals.choices import Category
from proposals.domain import groups
from proposals.filters import ProposalFilterSet
from proposals.models import Assignment, Cosigner, Proposal, Reply

if TYPE_CHECKING:
    from committees.models import Session
    from members.models import User

Params = dict[str, list[str]]
# Filed proposals: those with a number, whatever happened since.
# Query-string keys that are not filters.
NOT_FILTERS = ("sort", "page")


class ExportParamsError(Exception):
    """Bad export parameters, with messages per field (shown as a 400 form error)."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
        self.labels = labels or {}

    def items(self) -> list[tuple[str, list[str]]]:
        """(label, messages) per field, for the error page."""
        return [(self.labels.get(k, k), v) for k, v in self.errors.items()]


def params_of(query: QueryDict) -> Params:
    """A request's query string as JSON-able params (the page number dropped)."""
    return {key: query.getlist(key) for key in query if key != "page"}


def _filter_data(params: Params) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in params.items():
        if key not in NOT_FILTERS:
            data.setlist(key, [str(v) for v in values])
    return data


def _sort(params: Params, default: str) -> str:
    values = params.get("sort") or [default]
    return str(values[-1])


def _invalid(form) -> ExportParamsError:
    errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
    labels = {name: str(field.label) for name, field in form.fields.items()}
    return ExportParamsError(errors, labels)


def _cosigners() -> Prefetch:
    return Prefetch("cosigners", queryset=Cosigner.objects.select_related("member"))


def proposal_rows(user: User) -> QuerySet[Proposal]:
    """What the list page starts from (``visible_to``), with just the relations the export
    reads: ``queries.proposal_list`` prefetches ten relations for the page's buttons, and
    building those per row costs more than the rest of the export."""
    replies = Prefetch("replies", queryset=Reply.objects.order_by("round", "id"))
    assignments = queries.with_current_deadline(
        Assignment.objects.select_related("unit").prefetch_related(replies, "deadlines")
    )
    return (
        Proposal.objects.visible_to(user)
        .select_related("committee", "session", "proposer", "organization", "sector", "topic")
        .prefetch_related(_cosigners(), Prefetch("assignments", queryset=assignments), "feedback")
    )


def proposals(user: User, params: Params) -> QuerySet[Proposal]:
    """The proposal list (``proposals:list``) for this query string, prefetched for export."""
    base = proposal_rows(user)
    data = _filter_data(params)
    filterset = ProposalFilterSet(data or None, queryset=base)
    if filterset.is_bound and not filterset.is_valid():
        raise _invalid(filterset.form)
    items = filterset.qs if filterset.is_bound else base
    order = queries.PROPOSAL_SORTS.get(_sort(params, "new"), queries.PROPOSAL_SORTS["new"])
    return items.order_by(*order)


def assignments(user: User, params: Params) -> QuerySet[Assignment]:
    """The unit inbox (``queries.inbox``, as ``proposals:inbox`` shows it) for this query
    string, prefetched for export."""
    data = _filter_data(params)
    filterset, rows = queries.inbox(user, data, _sort(params, "due"))
    if filterset.is_bound and not filterset.is_valid():
        raise _invalid(filterset.form)
    return rows.select_related("proposal__proposer", "proposal__organization").prefetch_related(
        "replies"
    )


def category_order() -> Case:
    """Categories in their declared order (经济, 政治, 文化, 社会, 生态)."""
    return Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(Category.values)),
        default=Value(len(Category.values)),
        output_field=IntegerField(),
    )


def compilation(user: User, session: Session) -> QuerySet[Proposal]:
    """A session's filed proposals the user may see, by category then number."""
    return (
        proposal_rows(user)
        .filter(session=session, state__in=groups.values(groups.FILED), sequence__isnull=False)
        .order_by(category_order(), "sequence", "id")
    )
