"""A list's filters as people use them: a compact bar (search and a few selects), the
rest under 更多筛选, and chips for what is active, each removable. Built from the list's
own filterset (the one the API and the export use), so nothing is filtered twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from members import saved_filters

# Parameters that are not filters.
NOT_FILTERS = ("sort", "page")


@dataclass
class BarField:
    name: str
    label: str
    options: list[tuple[str, str]]
    selected: list[str]

    @property
    def several(self) -> bool:
        """More than one value chosen (from a link): kept as hidden fields and chips."""
        return len(self.selected) > 1


@dataclass
class FilterBar:
    q: str | None  # None: the list has no text search
    fields: list[BarField]
    more: list  # bound fields of the form, shown under 更多筛选
    chips: list[tuple[str, str]] = field(default_factory=list)  # (text, URL without it)
    more_active: bool = False
    path: str = ""  # the list's address, for 常用筛选 (members.saved_filters)
    query: str = ""  # the active filters, as saved
    saved: list = field(default_factory=list)  # the user's 常用筛选 of this list


def _choices(form_field) -> list[tuple[str, str]]:
    """A field's choices; an id filter's come from its widget (``humanize_filters``)."""
    choices = getattr(form_field, "choices", None) or form_field.widget.choices
    return [(str(v), str(label)) for v, label in choices if str(v) != ""]


def filter_bar(filterset, params: QueryDict, bar: tuple[str, ...], *, user, path: str) -> FilterBar:
    """The bar for ``filterset`` bound to ``params`` on the list at ``path``: ``bar``
    names the select filters shown in it (besides the search ``q``); the user's saved
    filters of that list come along."""
    form = filterset.form
    fields = []
    for name in bar:
        form_field = form.fields[name]
        fields.append(
            BarField(name, str(form_field.label), _choices(form_field), params.getlist(name))
        )
    more = [form[name] for name in form.fields if name not in bar and name != "q"]
    chips = []
    for name, values in params.lists():
        if name in NOT_FILTERS or name not in form.fields:
            continue
        for value in values:
            if value == "":
                continue
            rest = params.copy()
            rest.setlist(name, [v for v in values if v != value])
            for key in NOT_FILTERS:
                rest.pop(key, None)
            chips.append(
                (f"{form.fields[name].label}：{_label(form[name], value)}", rest.urlencode())
            )
    active = params.copy()
    active.pop("page", None)
    return FilterBar(
        q=params.get("q", "") if "q" in form.fields else None,
        fields=fields,
        more=more,
        chips=chips,
        more_active=any(params.get(b.name) for b in more),
        path=path,
        query=active.urlencode(),
        saved=saved_filters.for_list(user, path),
    )


def _label(bound, value: str) -> str:
    """A filter value in words: its choice label, 是/否, or the value itself."""
    choices = getattr(bound.field.widget, "choices", None) or getattr(bound.field, "choices", ())
    for v, label in choices:
        if str(v) == value:
            return str(label)
    return {"true": _("是"), "false": _("否")}.get(value, value)
