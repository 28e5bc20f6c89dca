"""What the dashboard shows: the filter form, the viewer's scope, and where each figure links."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Committee, Session
from committees.scoping import committee_ids, statistics_committee_ids
from members.capabilities import Capability, may

TOP_UNITS = 10
OVERDUE_ROWS = 20
ALL = "all"
FIRST_YEAR, LAST_YEAR = 1949, 2100  # as the list's year filter accepts


def may_see_dashboard(user) -> bool:
    return may(user, Capability.SEE_STATISTICS)


# ---- the filter form ------------------------------------------------------------------------


class DashboardForm(forms.Form):
    """Year and session; a committee when the user's statistics span several."""

    year = forms.TypedChoiceField(
        label=gettext_lazy("提交年份"), coerce=int, required=False, empty_value=None
    )
    session = forms.TypedChoiceField(
        label=gettext_lazy("会次"), coerce=int, required=False, empty_value=None
    )
    committee = forms.ChoiceField(label=gettext_lazy("政协"), required=False)

    def __init__(self, data, *, scope: Scope, sessions: list[Session], today: datetime.date):
        data = data.copy()
        if not data.get("committee"):
            data["committee"] = scope.default_committee
        super().__init__(data)
        several = len(scope.committees) > 1
        # Offered: the years since the first session; any other plausible year is accepted.
        years = {s.plenary_start.year for s in sessions} | {today.year}
        years = set(range(min(years), max(years) + 1))
        asked = data.get("year", "")
        if asked.isascii() and asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR:
            years.add(int(asked))
        self.fields["year"].choices = [
            ("", _("全部年份")),
            *((y, str(y)) for y in sorted(years, reverse=True)),
        ]
        self.fields["session"].choices = [
            ("", _("全部会次")),
            *(
                (s.pk, f"{scope.short_name(s.committee)} {s.name}" if several else s.name)
                for s in sessions
            ),
        ]
        if several:
            self.fields["committee"].choices = [
                (ALL, _("全部（含所辖县区）")),
                *((str(c.pk), c.name) for c in scope.committees),
            ]
        else:
            del self.fields["committee"]

    def committee_id(self) -> int | None:
        value = self.cleaned_data.get("committee")
        return int(value) if value and value != ALL else None


# ---- scope and links ------------------------------------------------------------------------


@dataclass
class Scope:
    """The committees a user's statistics cover, and which of them their list shows."""

    user: object
    statistics_ids: set[int] | None  # None: every committee
    visible_ids: set[int] | None
    committees: list[Committee]

    @classmethod
    def of(cls, user) -> Scope:
        ids = statistics_committee_ids(user)
        committees = Committee.objects.order_by("level", "code")
        if ids is not None:
            committees = committees.filter(pk__in=ids)
        return cls(user, ids, committee_ids(user), list(committees))

    @property
    def default_committee(self) -> str:
        """Own committee first: its figures link to the list; "all" adds the counties."""
        own = getattr(self.user, "committee_id", None)
        if own and len(self.committees) > 1 and any(c.pk == own for c in self.committees):
            return str(own)
        return ALL

    def short_name(self, committee: Committee) -> str:
        return committee.short_name or committee.name

    def ids_of(self, committee: int | None) -> set[int] | None:
        """The committees counted when ``committee`` (None: all) is chosen."""
        if committee is not None:
            return {committee}
        return self.statistics_ids

    def shows(self, ids: set[int] | None) -> bool:
        """True when the user's proposal list shows every proposal of ``ids``."""
        if self.visible_ids is None:
            return True
        return ids is not None and ids <= self.visible_ids

    def links(self, base: dict, ids: set[int] | None) -> Links:
        shown = self.shows(ids)
        # Supervisors see filed proposals only: full lists are staff's.
        staff = may(self.user, Capability.SEE_ALL_KEY_PROPOSALS)
        return Links(base, full=shown and staff, handling=shown and may_see_dashboard(self.user))


@dataclass(frozen=True)
class Links:
    """Builds the proposal-list URL behind a figure, or None where the list can't show it."""

    base: dict
    full: bool
    handling: bool

    def __call__(self, handling: bool = False, **params) -> str | None:
        if not (self.full or (handling and self.handling)):
            return None
        query = {k: v for k, v in {**self.base, **params}.items() if v is not None}
        return f"{reverse('proposals:list')}?{urlencode(query, doseq=True)}"


# ---- tables and charts ----------------------------------------------------------------------
