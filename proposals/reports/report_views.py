"""Pages and downloads of the annual report and the unit scorecard.

The views only read the period form and pick the file format; the figures come from
:mod:`proposals.reports.annual` and :mod:`proposals.reports.scorecard`. Bad input
re-renders the page with the form's messages (400), never a 500.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Committee, Session
from committees.scoping import statistics_committee_ids
from members.capabilities import Capability, may
from proposals.reports import scorecard as sc
from proposals.reports.annual import annual_report, format_share, sector_table, unit_table
from proposals.reports.annual_docx import annual_docx
from proposals.reports.scorecard_xlsx import scorecard_workbook

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.committee.name} {obj.name}"


class PeriodForm(forms.Form):
    """Which committee and period a report covers; choices limited to the user's scope."""

    year = forms.IntegerField(
        label=gettext_lazy("年度（提交年份）"), min_value=1949, max_value=2100, required=False
    )
    session = SessionChoice(
        label=gettext_lazy("会次"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=gettext_lazy("不限"),
    )
    committee = forms.ModelChoiceField(
        label=gettext_lazy("政协"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=gettext_lazy("本政协"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        ids = statistics_committee_ids(user)
        committees = (
            Committee.objects.all() if ids is None else Committee.objects.filter(pk__in=ids)
        )
        self.fields["committee"].queryset = committees
        self.fields["session"].queryset = (
            Session.objects.filter(committee__in=committees)
            .select_related("committee")
            .order_by("committee__level", "committee__code", "-plenary_start")
        )

    def clean(self):
        data = super().clean()
        session, committee = data.get("session"), data.get("committee")
        if session is not None and not self.errors:
            wanted = committee.pk if committee else sc.report_committee(self.user, None)
            if wanted is not None and session.committee_id != wanted:
                self.add_error("session", _("该会次不属于所选政协。"))
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "year": data.get("year"),
            "session": data["session"].pk if data.get("session") else None,
            "committee": data["committee"].pk if data.get("committee") else None,
        }


def _period_form(request: HttpRequest) -> PeriodForm:
    """The form, bound to the query; with neither year nor session, the latest year in
    which the committee received proposals (last year where there are none)."""
    data = QueryDict(mutable=True)
    for name in ("year", "session", "committee"):
        if request.GET.get(name, "").strip():
            data[name] = request.GET[name].strip()
    if "year" not in data and "session" not in data:
        latest = None
        probe = PeriodForm(data, user=request.user)  # a committee the user may see, or none
        if probe.is_valid():
            committee = probe.cleaned_data.get("committee")
            latest = sc.default_year(request.user, committee.pk if committee else None)
        data["year"] = str(latest or timezone.localdate().year - 1)
    return PeriodForm(data, user=request.user)


def _query(form: PeriodForm, **extra) -> str:
    """The query string of the form's valid values (for download links)."""
    query = QueryDict(mutable=True)
    for name, value in form.params().items():
        if value is not None:
            query[name] = str(value)
    for name, value in extra.items():
        if value:
            query[name] = value
    return query.urlencode()


def _download(content: bytes, content_type: str, ascii_name: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    extension = ascii_name.rsplit(".", 1)[-1]
    # ASCII file name plus the Chinese one for browsers that read filename*.
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}.{extension}"
    )
    return response


def _slug(params: dict) -> str:
    parts = [str(params[k]) for k in ("year", "session") if params.get(k)]
    return "-".join(parts) or "all"


# ---- annual report ---------------------------------------------------------------------------


def _annual(request: HttpRequest):
    if not may(request.user, Capability.SEE_STATISTICS):
        raise PermissionDenied
    form = _period_form(request)
    report = None
    if form.is_valid():
        try:
            report = annual_report(request.user, **form.params())
        except (Http404, ValueError) as exc:
            form.add_error(None, str(exc))
    return form, report


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    """The statistics part of the annual report, as text and tables, with a Word download."""
    form, report = _annual(request)
    context = {"form": form, "report": report}
    if report is not None:
        context |= {
            "unit_table": unit_table(report),
            "sector_table": sector_table(report),
            "query": _query(form),
        }
    return render(request, "reports/annual.html", context, status=200 if report else 400)


@login_required
def annual_download(request: HttpRequest) -> HttpResponse:
    form, report = _annual(request)
    if report is None:
        return render(request, "reports/annual.html", {"form": form}, status=400)
    return _download(
        annual_docx(report),
        DOCX,
        f"annual-report-{_slug(form.params())}.docx",
        report.title,
    )


# ---- unit scorecard --------------------------------------------------------------------------


def scorecard_for(request: HttpRequest):
    """(form, sort, scores) for the query; ``scores`` None when the form is invalid. The
    page, its Excel download and ``/api/v1/scorecard/`` all answer from this."""
    user = request.user
    if not may(user, Capability.SEE_STATISTICS) and not (
        may(user, Capability.SEE_OWN_SCORECARD) and user.unit_id
    ):
        raise PermissionDenied
    form = _period_form(request)
    sort = request.GET.get("sort", "").strip() or sc.DEFAULT_ORDER
    scores = None
    if form.is_valid():
        try:
            scores = sc.unit_scorecard(user, order=sort, **form.params())
        except (Http404, ValueError) as exc:
            form.add_error(None, str(exc))
    return form, sort, scores


def _headers(form: PeriodForm, columns: list[sc.Column], sort: str) -> list[dict]:
    """Column headers that sort on click: numbers biggest first, names A→Z, again reverses."""
    headers = []
    for column in columns:
        first = column.key if column.kind == "text" else f"-{column.key}"
        current = sort.lstrip("-") == column.key
        target = (sort[1:] if sort.startswith("-") else f"-{column.key}") if current else first
        headers.append(
            {
                "label": column.label,
                "kind": column.kind,
                "href": "?" + _query(form, sort=target),
                "aria_sort": (
                    ("descending" if sort.startswith("-") else "ascending") if current else "none"
                ),
            }
        )
    return headers


def _cell(value, kind: str) -> str:
    if kind in ("percent", "days"):
        return format_share(value)
    return "" if value is None else str(value)


@login_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """Per unit: assigned, accepted, re-routed, replies on time, reply classes, satisfaction."""
    form, sort, scores = scorecard_for(request)
    context: dict = {"form": form, "scores": scores, "sort": sort}
    if scores is not None:
        columns = sc.columns(scores)
        context |= {
            "headers": _headers(form, columns, sort),
            "rows": [[(_cell(s.value(c.key), c.kind), c.kind) for c in columns] for s in scores],
            "query": _query(form, sort=sort),
        }
    return render(
        request, "reports/scorecard.html", context, status=200 if scores is not None else 400
    )


@login_required
def scorecard_download(request: HttpRequest) -> HttpResponse:
    form, _sort, scores = scorecard_for(request)
    if scores is None:
        return render(request, "reports/scorecard.html", {"form": form}, status=400)
    params = form.params()
    name = _("承办单位考核评价") + "-" + _slug(params)
    return _download(
        scorecard_workbook(scores, title=name), XLSX, f"unit-scorecard-{_slug(params)}.xlsx", name
    )
