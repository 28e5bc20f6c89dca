"""Administrators' account pages: bulk import of members and unit accounts from Excel.

The import is two steps. Uploading reads and checks the sheet and keeps its rows in
the session, signed (so they cannot be altered between the steps even with a
cookie-based session backend); the preview lists every row with its errors and
writes nothing. Confirming checks the same rows again against the database as it is
now, then writes all of them or none through ``members.services.provision_many``.

New accounts get a generated initial password, shown once on the result page (the
response is not cached and the rows are dropped from the session); administrators
hand them out and users change them. Nothing stores the passwords in clear.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.models import Sector
from cppcc.errors import DomainError
from members import imports, services
from members.capabilities import Capability, may
from members.forms import ImportUploadForm

SESSION_KEY = "members_import"
SIGNING_SALT = "members.views.import"
# A preview older than this must be uploaded again.
PREVIEW_MAX_AGE = 2 * 60 * 60


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Administrators of a committee only: others get 403, anonymous users the login page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, Capability.ADMINISTER):
            raise PermissionDenied(_("只有系统管理员可以使用此页面。"))
        if request.user.committee_id is None:
            raise PermissionDenied(_("您的账号未关联政协。"))
        return view(request, *args, **kwargs)

    return wrapped


def _store(request: HttpRequest, kind: imports.Kind, filename: str, rows: list) -> None:
    payload = {
        "kind": kind.value,
        "filename": filename,
        "token": secrets.token_urlsafe(12),
        "committee": request.user.committee_id,
        "rows": [[r.line, r.cells] for r in rows],
    }
    request.session[SESSION_KEY] = signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def _load(request: HttpRequest) -> dict[str, Any] | None:
    """The pending import, if any, still valid and made by this user in this committee."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    try:
        payload = signing.loads(stored, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        request.session.pop(SESSION_KEY, None)
        return None
    if payload.get("committee") != request.user.committee_id:
        return None
    payload["kind"] = imports.Kind(payload["kind"])
    payload["rows"] = [imports.RawRow(line, cells) for line, cells in payload["rows"]]
    return payload


def _check(request: HttpRequest, payload: dict[str, Any]) -> list[imports.CheckedRow]:
    kind, rows = payload["kind"], payload["rows"]
    context = imports.load_context(request.user.committee, kind, rows)
    return imports.check_rows(kind, rows, context)


@admin_required
def import_accounts(request: HttpRequest) -> HttpResponse:
    """Upload a sheet (POST), or see the upload form and the pending preview (GET)."""
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            kind = imports.Kind(form.cleaned_data["kind"])
            _store(request, kind, form.cleaned_data["file"].name, form.rows)
            return redirect("members:import")
        request.session.pop(SESSION_KEY, None)
        return render(request, "members/import.html", {"form": form}, status=200)
    payload = _load(request)
    form = ImportUploadForm(initial={"kind": payload["kind"].value} if payload else None)
    context: dict[str, Any] = {"form": form, "kinds": list(imports.Kind)}
    if payload is not None:
        checked = _check(request, payload)
        context.update(
            payload=payload,
            headers=imports.headers(payload["kind"]),
            checked=checked,
            error_count=sum(1 for row in checked if row.errors),
            new_units=sorted(
                {row.cells["单位名称"] for row in checked if row.creates_unit and not row.errors}
            ),
        )
    return render(request, "members/import.html", context)


@require_POST
@admin_required
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Write every previewed row or none; show the initial passwords once."""
    payload = _load(request)
    if payload is None:
        messages.error(request, _("没有待导入的内容，或预览已过期，请重新上传。"))
        return redirect("members:import")
    if request.POST.get("token") != payload["token"]:
        messages.error(request, _("待导入的内容已变化，请核对下方预览后再确认。"))
        return redirect("members:import")
    checked = _check(request, payload)
    if any(row.errors for row in checked):
        messages.error(request, _("有数据行存在错误（可能刚被他人占用），未导入任何内容。"))
        return redirect("members:import")
    try:
        created = services.provision_many(request.user, [row.data for row in checked])
    except DomainError as exc:
        messages.error(request, _("未导入任何内容：%(reason)s") % {"reason": exc.message})
        return redirect("members:import")
    request.session.pop(SESSION_KEY, None)
    response = render(
        request,
        "members/import_done.html",
        {
            "kind": payload["kind"],
            "filename": payload["filename"],
            "created": [
                {
                    "line": row.line,
                    "user": user,
                    "password": password,
                    "number": row.cells.get("委员编号", ""),
                    "unit": row.cells.get("单位名称", ""),
                }
                for row, (user, password) in zip(checked, created, strict=True)
            ],
        },
    )
    add_never_cache_headers(response)
    return response


@require_POST
@admin_required
def cancel_import(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("已取消本次导入。"))
    return redirect("members:import")


@admin_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty sheet to fill in, with the committee's sectors listed for members."""
    try:
        sheet_kind = imports.Kind(kind)
    except ValueError:
        raise Http404 from None
    sectors = []
    if sheet_kind == imports.Kind.MEMBERS:
        sectors = [
            f"{code} {name}"
            for code, name in Sector.objects.filter(committee_id=request.user.committee_id)
            .order_by("code")
            .values_list("code", "name")
        ]
    content = imports.template_workbook(sheet_kind, sectors)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # ASCII file name plus the Chinese one for browsers that read filename*.
    filename = _("%(kind)s导入模板") % {"kind": sheet_kind.label}
    response["Content-Disposition"] = (
        f'attachment; filename="{sheet_kind.value}-template.xlsx"; '
        f"filename*=UTF-8''{quote(filename)}.xlsx"
    )
    return response
