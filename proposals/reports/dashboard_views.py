"""The statistics dashboard (统计分析) for staff, administrators and supervisors.

Every number comes from :mod:`proposals.statistics` (database aggregates, a fixed number
of queries); this module only picks the scope from the filter form, and links each
figure to the proposal list filtered to exactly the proposals it counts — when the
viewer's list can show them (city staff see the counties' totals, not their proposals;
supervisors' lists hold filed work only).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Committee, Session
from committees.scoping import committee_ids, statistics_committee_ids
from members.capabilities import Capability, may
from proposals import statistics
from proposals.choices import Category
from proposals.domain import groups
from proposals.filters import ProposalFilterSet
from proposals.models import Deadline, Proposal
from proposals.statistics import CommitteeFigures, ReplyStatus, Statistics, UnitWork

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


@dataclass(frozen=True)
class Cell:
    value: int | float | str | None
    url: str | None = None
    percent: bool = False


@dataclass
class Row:
    label: str
    cells: list[Cell]
    url: str | None = None  # the row label's link (e.g. a unit's proposals)


@dataclass
class Table:
    """One section: a table and, beside it, a chart of some of its columns."""

    key: str
    title: str
    headers: list[str]
    rows: list[Row]
    chart: str = "bar"  # bar | hbar | pie
    chart_columns: list[int] = field(default_factory=lambda: [0])
    chart_from_row: int = 0  # rows before it are totals, not parts to draw
    note: str = ""
    more_url: str | None = None
    more_label: str = ""

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws: categories and one series per column."""
        rows = self.rows[self.chart_from_row :]
        series = []
        for index in self.chart_columns:
            cells = [row.cells[index] for row in rows]
            series.append(
                {
                    "name": self.headers[index + 1],
                    "values": [c.value if c.value is not None else 0 for c in cells],
                    "urls": [c.url or "" for c in cells],
                }
            )
        return {
            "kind": self.chart,
            "title": self.title,
            "categories": [row.label for row in rows],
            "series": series,
        }


def split_rows(splits, links: Links, param: str) -> list[Row]:
    return [
        Row(
            s.label,
            [
                Cell(s.received, links(received="true", **{param: s.value})),
                Cell(s.filed, links(filed="true", **{param: s.value})),
                Cell(s.filed_share, percent=True),
            ],
        )
        for s in splits
    ]


def group_rows(groups, links: Links, param: str, none_params: dict) -> list[Row]:
    rows = []
    for g in groups:
        params = {param: g.id} if g.id is not None else none_params
        rows.append(
            Row(
                g.name,
                [
                    Cell(g.received, links(received="true", **params)),
                    Cell(g.filed, links(filed="true", **params)),
                    Cell(g.filing_rate, percent=True),
                ],
            )
        )
    return rows


def tables(stats: Statistics, links: Links, *, units_url: str, more_units: bool) -> list[Table]:
    received, filed, rate = _("收到"), _("立案"), _("立案率")
    replies = stats.replies
    satisfaction = stats.satisfaction
    result = {s.value: s for s in satisfaction.result}
    return [
        Table(
            "state",
            _("按状态"),
            [_("状态"), _("件数"), _("占收到提案")],
            [
                Row(
                    s.label,
                    [
                        Cell(
                            s.count,
                            links(  # a supervisor's list holds the filed ones (visibility)
                                s.value in groups.FILED, state=s.value, received="true"
                            ),
                        ),
                        Cell(s.share, percent=True),
                    ],
                )
                for s in stats.by_state
            ],
            chart="hbar",
        ),
        Table(
            "category",
            _("按类别"),
            [_("类别"), received, filed, _("占立案总数")],
            split_rows(stats.by_category, links, "category"),
            chart_columns=[0, 1],
        ),
        Table(
            "source",
            _("按来源"),
            [_("来源"), received, filed, _("占立案总数")],
            split_rows(stats.by_source, links, "source"),
            chart="pie",
            chart_columns=[1],
        ),
        Table(
            "sector",
            _("按界别"),
            [_("界别"), received, filed, rate],
            group_rows(stats.sectors, links, "sector", {"no_sector": "true"}),
            chart="hbar",
            chart_columns=[0, 1],
        ),
        Table(
            "session",
            _("按会次"),
            [_("会次"), received, filed, rate],
            group_rows(stats.by_session, links, "session", {}),
            chart_columns=[0, 1],
        ),
        Table(
            "units",
            _("承办单位（交办最多的 {n} 个）").format(n=TOP_UNITS),
            [_("承办单位"), _("交办"), _("已答复（含会办意见）"), _("超期")],
            [
                Row(
                    u.name,
                    [
                        Cell(u.assigned, links(True, unit=u.id, unit_work=UnitWork.ASSIGNED)),
                        Cell(u.replied, links(True, unit=u.id, unit_work=UnitWork.DELIVERED)),
                        Cell(u.overdue, links(True, unit=u.id, unit_work=UnitWork.OVERDUE)),
                    ],
                )
                for u in stats.units[:TOP_UNITS]
            ],
            chart="hbar",
            chart_columns=[0, 1, 2],
            note=_("按交办件数计（不含已调整的交办）。"),
            more_url=units_url,
            more_label=_("全部承办单位") if more_units else "",
        ),
        Table(
            "replies",
            _("答复"),
            [_("答复情况"), _("件数"), _("占已答复")],
            [
                Row(
                    label,
                    [
                        Cell(n, links(True, reply=status)),
                        Cell(statistics.percent(n, replies.replied), percent=True),
                    ],
                )
                for status, label, n in (
                    (ReplyStatus.REPLIED, _("已答复提案"), replies.replied),
                    (ReplyStatus.ON_TIME, _("按期答复"), replies.on_time),
                    (ReplyStatus.LATE, _("超期答复"), replies.replied - replies.on_time),
                )
            ],
            chart="pie",
            chart_from_row=1,
            note=_(
                "已答复：主办或分办单位已提交答复函的立案提案；按期：每一轮答复均未超过答复期限。"
            ),
        ),
        Table(
            "classes",
            _("答复分类"),
            [_("分类"), _("答复函件数"), _("占比")],
            [
                Row(
                    f"{c.value} {c.label}",
                    [Cell(c.count, links(True, reply_class=c.value)), Cell(c.share, percent=True)],
                )
                for c in replies.classes
            ],
            chart="pie",
            note=_(
                "主办、分办单位最新一轮答复函；分办提案可有几件答复函，点击列出含该类答复函的提案。"
            ),
        ),
        Table(
            "satisfaction",
            _("满意度"),
            [_("满意度"), _("对沟通"), _("占比"), _("对结果"), _("占比")],
            [
                Row(
                    s.label,
                    [
                        Cell(s.count, links(True, satisfaction_communication=s.value)),
                        Cell(s.share, percent=True),
                        Cell(
                            result[s.value].count,
                            links(True, satisfaction_result=s.value),
                        ),
                        Cell(result[s.value].share, percent=True),
                    ],
                )
                for s in satisfaction.communication
            ],
            chart_columns=[0, 2],
            note=_("第一提案人对最新一轮办理的反馈，共 {n} 件。").format(n=satisfaction.responses),
        ),
    ]


def comparison_table(
    rows: list[CommitteeFigures], total: CommitteeFigures, links: list[Links]
) -> Table:
    """Committees side by side (one column each, then the total): headline and categories."""
    columns = [*rows, total]

    def row(label: str, value, params: dict | None = None, handling: bool = False) -> Row:
        cells = []
        for figures, link in zip(columns, links, strict=True):
            v = value(figures)
            url = link(handling, **params) if params is not None else None
            cells.append(Cell(v, url, percent=params is None))
        return Row(label, cells)

    body = [
        row(_("收到提案"), lambda f: f.received, {"received": "true"}),
        row(_("立案"), lambda f: f.filed, {"filed": "true"}),
        row(_("立案率"), lambda f: f.filing_rate),
        row(_("已答复"), lambda f: f.replied, {"reply": ReplyStatus.REPLIED}, True),
        row(_("按期答复"), lambda f: f.on_time, {"reply": ReplyStatus.ON_TIME}, True),
        row(_("按期答复率"), lambda f: f.on_time_rate),
        row(_("超期"), lambda f: f.overdue, {"overdue": "true"}, True),
    ]
    for index, (value, label) in enumerate(Category.choices):
        body.append(
            row(
                _("{category}：收到").format(category=label),
                lambda f, i=index: f.by_category[i].received,
                {"received": "true", "category": value},
            )
        )
        body.append(
            row(
                _("{category}：立案").format(category=label),
                lambda f, i=index: f.by_category[i].filed,
                {"filed": "true", "category": value},
            )
        )
    table = Table(
        "committees",
        _("各政协对比"),
        [_("指标"), *(c.name for c in columns)],
        body,
        chart_columns=list(range(len(rows))),
        note=_("县区提案的明细由县区政协查看，市级只看汇总数。"),
    )
    return table


def comparison_chart(rows: list[CommitteeFigures]) -> dict:
    """Received and filed per committee (the total would dwarf them: left out)."""
    return {
        "kind": "bar",
        "title": _("各政协对比"),
        "categories": [r.name for r in rows],
        "series": [
            {"name": _("收到"), "values": [r.received for r in rows], "urls": []},
            {"name": _("立案"), "values": [r.filed for r in rows], "urls": []},
        ],
    }


# ---- the computation the page shows (and the benchmark times) -------------------------------


@dataclass
class OverdueRow:
    deadline: Deadline
    days: int


@dataclass
class Figures:
    statistics: Statistics
    committees: list[CommitteeFigures]
    total: CommitteeFigures | None
    overdue: list[OverdueRow]


def filtered(proposals: QuerySet[Proposal], year: int | None, session: int | None):
    """Year and session through the list's filterset, so links mean the same."""
    data = {k: str(v) for k, v in (("year", year), ("session", session)) if v is not None}
    filterset = ProposalFilterSet(data, queryset=proposals)
    if not filterset.is_valid():  # the form validated these already
        raise ValueError(filterset.errors)
    return filterset.qs


def overdue_rows(
    user, proposals: QuerySet[Proposal], today: datetime.date, limit: int = OVERDUE_ROWS
) -> list[OverdueRow]:
    """The longest-overdue reply/opinion deadlines among the proposals the user may open."""
    shown = statistics.received_proposals(proposals).filter(
        pk__in=Proposal.objects.visible_to(user).values("pk")
    )
    deadlines = (
        Deadline.objects.filter(
            is_open=True,
            kind__in=groups.values(groups.HANDLING_DEADLINES),
            due_date__lt=today,
            proposal__in=shown.values("pk"),
        )
        .select_related("assignment__unit", "proposal")
        .order_by("due_date", "id")[:limit]
    )
    return [OverdueRow(d, (today - d.due_date).days) for d in deadlines]


def compute_dashboard(
    user,
    *,
    committee: int | None = None,
    year: int | None = None,
    session: int | None = None,
    today: datetime.date | None = None,
    committees: list[Committee] | None = None,
) -> Figures:
    """Everything the dashboard shows, in a fixed number of queries.

    ``committees``: compare these side by side (all of the user's statistics scope).
    """
    today = today or timezone.localdate()
    proposals = filtered(statistics.scoped_proposals(user, committee), year, session)
    rows: list[CommitteeFigures] = []
    total = None
    same: list[CommitteeFigures] | None = None
    if committees:
        every = filtered(statistics.scoped_proposals(user), year, session)
        rows = statistics.compare_committees(every, today=today, committees=committees)
        total = statistics.total_figures(rows, _("合计"))
        # The side-by-side rows of the chosen committee(s) count the same proposals:
        # compute sums their overdue/replied/on-time instead of counting them again.
        chosen = [r for r in rows if committee is None or r.id == committee]
        if committee is None or chosen:
            same = chosen
    stats = statistics.compute(proposals, today=today, top_units=TOP_UNITS + 1, per_committee=same)
    return Figures(stats, rows, total, overdue_rows(user, proposals, today))


# ---- pages ----------------------------------------------------------------------------------


def _form_and_scope(request: HttpRequest, today: datetime.date):
    if not may_see_dashboard(request.user):
        raise PermissionDenied
    scope = Scope.of(request.user)
    sessions = list(
        Session.objects.filter(committee__in=[c.pk for c in scope.committees])
        .select_related("committee")
        .order_by("committee__level", "committee__code", "-term", "-meeting")
    )
    form = DashboardForm(request.GET, scope=scope, sessions=sessions, today=today)
    return form, scope


def _start(request: HttpRequest) -> tuple[datetime.date, DashboardForm, Scope, dict]:
    """Today, the bound filter form, the viewer's scope and the context they start."""
    today = timezone.localdate()
    form, scope = _form_and_scope(request, today)
    return today, form, scope, {"form": form, "today": today}


def _base_params(form: DashboardForm, committee: int | None) -> dict:
    data = form.cleaned_data
    return {"year": data.get("year"), "session": data.get("session"), "committee": committee}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today, form, scope, context = _start(request)
    if form.is_valid():
        committee = form.committee_id()
        data = form.cleaned_data
        several = len(scope.committees) > 1
        figures = compute_dashboard(
            request.user,
            committee=committee,
            year=data.get("year"),
            session=data.get("session"),
            today=today,
            committees=scope.committees if several else None,
        )
        base = _base_params(form, committee)
        ids = scope.ids_of(committee)
        links = scope.links(base, ids)
        units_query = urlencode({k: v for k, v in request.GET.items() if v})
        units_url = reverse("dashboard:units") + (f"?{units_query}" if units_query else "")
        sections = tables(
            figures.statistics,
            links,
            units_url=units_url,
            more_units=len(figures.statistics.units) > TOP_UNITS,
        )
        comparison = None
        if figures.committees:
            column_links = [
                scope.links({**base, "committee": c.id}, {c.id}) for c in figures.committees
            ]
            every = scope.statistics_ids
            column_links.append(scope.links({**base, "committee": None}, every))
            table = comparison_table(figures.committees, figures.total, column_links)
            comparison = {"table": table, "chart": comparison_chart(figures.committees)}
        stats = figures.statistics
        context |= {
            "stats": stats,
            "headline": {
                "received": links(received="true"),
                "filed": links(filed="true"),
                "forwarded": links(forwarded="true"),
                "replied": links(True, reply=ReplyStatus.REPLIED),
                "on_time": links(True, reply=ReplyStatus.ON_TIME),
                "overdue": links(True, overdue="true"),
            },
            "sections": [(t, t.chart_data()) for t in sections],
            "comparison": comparison,
            "overdue": figures.overdue,
            "overdue_more": stats.overdue > len(figures.overdue),
            "scope_label": _scope_label(scope, committee),
            "linked": links.full,
            "handling_linked": links.handling and not links.full,
        }
    return render(request, "reports/dashboard.html", context)


def _scope_label(scope: Scope, committee: int | None) -> str:
    if committee is not None:
        return next(c.name for c in scope.committees if c.pk == committee)
    if len(scope.committees) == 1:
        return scope.committees[0].name
    return _("全部（含所辖县区）")


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """Every handling unit's load in the chosen scope (the dashboard shows the busiest)."""
    today, form, scope, context = _start(request)
    if form.is_valid():
        committee = form.committee_id()
        data = form.cleaned_data
        proposals = filtered(
            statistics.scoped_proposals(request.user, committee),
            data.get("year"),
            data.get("session"),
        )
        loads = statistics.unit_loads(statistics.received_proposals(proposals), today=today)
        links = scope.links(_base_params(form, committee), scope.ids_of(committee))
        context |= {
            "rows": [
                Row(
                    u.name,
                    [
                        Cell(u.assigned, links(True, unit=u.id, unit_work=UnitWork.ASSIGNED)),
                        Cell(u.replied, links(True, unit=u.id, unit_work=UnitWork.DELIVERED)),
                        Cell(u.overdue, links(True, unit=u.id, unit_work=UnitWork.OVERDUE)),
                    ],
                )
                for u in loads
            ],
            "scope_label": _scope_label(scope, committee),
        }
    return render(request, "reports/dashboard_units.html", context)
