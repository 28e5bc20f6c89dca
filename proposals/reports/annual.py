"""The annual report (年度提案工作报告) — its statistics part, in the report's own wording.

The sentences follow the 2023 report of 太原市政协 word for word where it states
figures (「全年共收到提案743件，经审查立案618件，立案率83.18%。…」, 「——经济建设类提案
178件，占28.8%。」); the figures come from :func:`proposals.statistics.compute` and the
unit table from :func:`proposals.reports.scorecard.unit_scorecard`, so the report, the
dashboard, the API and the scorecard never disagree. Definitions: ``docs/statistics.md``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, Session
from proposals import statistics
from proposals.choices import Satisfaction, Source, State
from proposals.reports.scorecard import (
    UnitScore,
    period_proposals,
    report_committee,
    unit_scorecard,
)

CENT = Decimal("0.01")
NO_VALUE = "—"


def format_share(value: float | Decimal | None) -> str:
    """A percentage as the report prints it: two decimals, half-up, trailing zeros dropped.

    28.80 → "28.8", 8.25 → "8.25", 30.00 → "30", 83.175 → "83.18"; ``None`` (no base
    to divide by) → "—". The value is read through its decimal text (``str``), so a float
    that prints as 8.255 rounds up as written, not as its binary approximation.
    """
    if value is None:
        return NO_VALUE
    text = format(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class CategoryLine:
    value: str
    label: str  # 经济建设
    filed: int
    share: float | None  # of all filed proposals
    text: str  # ——经济建设类提案178件，占28.8%。


@dataclass(frozen=True)
class SectorRow:
    name: str
    received: int
    filed: int
    filing_rate: float | None


@dataclass(frozen=True)
class AnnualReport:
    committee: str
    period: str  # 2023年 / 十四届二次会议以来
    title: str
    heading: str
    paragraphs: list[str]  # received/filed/sources; units and on-time handling
    category_lines: list[CategoryLine]  # in the report's order: 经济, 政治, 文化, 社会, 生态文明
    handling: list[str]  # reply classes and satisfaction
    units: list[UnitScore]
    sectors: list[SectorRow]
    statistics: statistics.Statistics

    @property
    def text(self) -> str:
        """Every sentence, one per line, as pasted into the report."""
        lines = [*self.paragraphs, *(c.text for c in self.category_lines), *self.handling]
        return "\n".join(lines)


def _count(shares: list, value: str) -> int:
    return next((s.count for s in shares if s.value == value), 0)


def _filed(splits: list[statistics.Split], value: str) -> int:
    return next((s.filed for s in splits if s.value == value), 0)


def _period(year: int | None, session_name: str | None) -> tuple[str, str]:
    """(the period in a title, how the statistics sentence starts)."""
    if session_name and year:
        return f"{year}年（{session_name}）", _("%(year)s年") % {"year": year}
    if session_name:
        label = _("%(session)s以来") % {"session": session_name}
        return label, label
    if year:
        return _("%(year)s年") % {"year": year}, _("全年")
    return _("历年"), ""


def received_sentence(lead: str, s: statistics.Statistics) -> str:
    """「全年共收到提案743件，经审查立案618件，立案率83.18%。不予立案的提案中，转为意见建议
    125件。立案提案中，委员提案465件、集体提案153件。」 (the middle sentence only when some
    declined proposals were forwarded)."""
    text = _("%(lead)s共收到提案%(received)s件，经审查立案%(filed)s件") % {
        "lead": lead,
        "received": s.received,
        "filed": s.filed,
    }
    if s.filing_rate is not None:
        text += _("，立案率%(rate)s%%") % {"rate": format_share(s.filing_rate)}
    text += "。"
    if s.forwarded:
        text += _("不予立案的提案中，转为意见建议%(n)s件。") % {"n": s.forwarded}
    if s.filed:
        text += _("立案提案中，委员提案%(member)s件、集体提案%(collective)s件。") % {
            "member": _filed(s.by_source, Source.MEMBER),
            "collective": _filed(s.by_source, Source.COLLECTIVE),
        }
    return text


def handling_sentence(s: statistics.Statistics) -> str:
    """「78家承办单位认真协商办理，618件提案全部按时办结。」 — or how far handling got."""
    units = len(s.units)
    if not s.filed:
        return ""
    if not units:
        return _("立案提案%(filed)s件，尚未交办。") % {"filed": s.filed}
    closed = _count(s.by_state, State.CLOSED)
    if s.replies.on_time == s.filed and closed == s.filed:
        return _("%(units)s家承办单位认真协商办理，%(filed)s件提案全部按时办结。") % {
            "units": units,
            "filed": s.filed,
        }
    text = _(
        "%(units)s家承办单位认真协商办理，立案提案%(filed)s件中，已答复%(replied)s件，"
        "其中按时答复%(on_time)s件"
    ) % {
        "units": units,
        "filed": s.filed,
        "replied": s.replies.replied,
        "on_time": s.replies.on_time,
    }
    if s.replies.on_time_rate is not None:
        text += _("，按时答复率%(rate)s%%") % {"rate": format_share(s.replies.on_time_rate)}
    text += _("；已办结%(closed)s件。") % {"closed": closed}
    return text


def category_lines(s: statistics.Statistics) -> list[CategoryLine]:
    """「——经济建设类提案178件，占28.8%。」 for each category, shares of filed proposals."""
    return [
        CategoryLine(
            value=split.value,
            label=split.label,
            filed=split.filed,
            share=split.filed_share,
            text=_("——%(label)s类提案%(n)s件，占%(share)s%%。")
            % {"label": split.label, "n": split.filed, "share": format_share(split.filed_share)},
        )
        for split in s.by_category
        if split.value  # "" would be 未注明; the five categories always come first
    ]


def handling_paragraphs(s: statistics.Statistics) -> list[str]:
    """Reply classes and satisfaction, in the same style (not in the 2023 report)."""
    result = []
    letters = sum(c.count for c in s.replies.classes)
    if letters:
        parts = [
            _("%(label)s的（%(code)s类）%(n)s件、占%(share)s%%")
            % {"label": c.label, "code": c.value, "n": c.count, "share": format_share(c.share)}
            for c in s.replies.classes
        ]
        result.append(_("承办单位答复中，") + "；".join(parts) + "。")
    responses = s.satisfaction.responses
    if responses:

        def satisfied(shares: list[statistics.Share]) -> str:
            n = _count(shares, Satisfaction.SATISFIED) + _count(
                shares, Satisfaction.BASICALLY_SATISFIED
            )
            return format_share(statistics.percent(n, responses))

        result.append(
            _(
                "提案者反馈%(n)s件，对沟通情况满意或基本满意的占%(communication)s%%，"
                "对办理结果满意或基本满意的占%(result)s%%。"
            )
            % {
                "n": responses,
                "communication": satisfied(s.satisfaction.communication),
                "result": satisfied(s.satisfaction.result),
            }
        )
    return result


@dataclass(frozen=True)
class Table:
    """A table as printed on the page and in Word: header labels and rows of text/numbers."""

    headers: list[str]
    rows: list[list]


def unit_table(report: AnnualReport) -> Table:
    """承办单位 table: per unit what it was given and how it answered; shares as printed."""
    classes = report.units[0].classes if report.units else ()
    headers = [
        _("承办单位"),
        _("交办"),
        _("已答复"),
        _("按时答复"),
        _("按时答复率(%)"),
        *(_("%(code)s类占比(%%)") % {"code": c.code} for c in classes),
        _("结果满意率(%)"),
    ]
    rows = [
        [
            u.name,
            u.assigned,
            u.replied,
            u.replied_on_time,
            format_share(u.on_time_rate),
            *(format_share(c.share) for c in u.classes),
            format_share(u.result_satisfied),
        ]
        for u in report.units
    ]
    return Table(headers, rows)


def sector_table(report: AnnualReport) -> Table:
    """界别 table: received, filed and filing rate per sector (collective proposals: 未注明界别)."""
    headers = [_("界别"), _("收到提案"), _("立案"), _("立案率(%)")]
    rows = [[g.name, g.received, g.filed, format_share(g.filing_rate)] for g in report.sectors]
    return Table(headers, rows)


def annual_report(
    user,
    *,
    year: int | None = None,
    session: int | None = None,
    committee: int | None = None,
    today: datetime.date | None = None,
) -> AnnualReport:
    """The statistics part of the proposal work report for one committee and period.

    ``committee`` defaults to the user's own: the city's report counts the city's
    proposals only, not its counties'. ``year`` is the year of submission, ``session``
    a session id; with neither, every year is counted. Scope and validation as in
    :func:`proposals.reports.scorecard.period_proposals` (``Http404`` / ``ValueError``).
    """
    today = today or timezone.localdate()
    committee_id = report_committee(user, committee)
    proposals = period_proposals(user, year=year, session=session, committee=committee)
    s = statistics.compute(proposals, today=today)
    committee_name = ""
    if committee_id is not None:
        names = Committee.objects.filter(pk=committee_id).values_list("name", flat=True)
        committee_name = names.first() or ""
    session_name = None
    if session is not None:
        found = Session.objects.filter(pk=session).first()
        session_name = found.name if found else _("所选会次")
    period, lead = _period(year, session_name)
    paragraphs = [received_sentence(lead, s)]
    handled = handling_sentence(s)
    if handled:
        paragraphs.append(handled)
    return AnnualReport(
        committee=committee_name,
        period=period,
        title=_("%(committee)s%(period)s提案工作情况")
        % {"committee": committee_name, "period": period},
        heading=_("一、%(period)s提案工作情况") % {"period": period},
        paragraphs=paragraphs,
        category_lines=category_lines(s),
        handling=handling_paragraphs(s),
        units=unit_scorecard(user, year=year, session=session, committee=committee, today=today),
        sectors=[SectorRow(g.name, g.received, g.filed, g.filing_rate) for g in s.sectors],
        statistics=s,
    )
