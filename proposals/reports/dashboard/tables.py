"""The dashboard's tables and charts, built from the statistics; each cell links to the
proposals it counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from proposals import statistics
from proposals.choices import Category
from proposals.domain import groups
from proposals.reports.dashboard.scope import TOP_UNITS, Links
from proposals.statistics import CommitteeFigures, ReplyStatus, Statistics, UnitWork


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


def _state_table(stats: Statistics, links: Links) -> Table:
    return Table(
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
    )


def _units_table(stats: Statistics, links: Links, units_url: str, more_units: bool) -> Table:
    return Table(
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
    )


def _replies_table(stats: Statistics, links: Links) -> Table:
    replies = stats.replies
    return Table(
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
        note=_("已答复：主办或分办单位已提交答复函的立案提案；按期：每一轮答复均未超过答复期限。"),
    )


def _classes_table(stats: Statistics, links: Links) -> Table:
    replies = stats.replies
    return Table(
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
    )


def _satisfaction_table(stats: Statistics, links: Links) -> Table:
    satisfaction = stats.satisfaction
    result = {s.value: s for s in satisfaction.result}
    return Table(
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
    )


def tables(stats: Statistics, links: Links, *, units_url: str, more_units: bool) -> list[Table]:
    received, filed, rate = _("收到"), _("立案"), _("立案率")
    return [
        _state_table(stats, links),
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
        _units_table(stats, links, units_url, more_units),
        _replies_table(stats, links),
        _classes_table(stats, links),
        _satisfaction_table(stats, links),
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
