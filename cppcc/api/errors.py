"""One JSON error shape for the whole API.

``{"detail": str, "code": str, "errors": {field: [messages]}}`` — domain errors from the
service layer map to 400 (bad input), 403 (role), 409 (state) and 412 (stale version).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cppcc.errors import DomainError

logger = logging.getLogger(__name__)

DOMAIN_CODES = {400: "invalid", 403: "permission_denied", 409: "invalid_state", 412: "stale"}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": DOMAIN_CODES.get(exc.status_code, "invalid")}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或您无权查看。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        messages = _flatten(errors)
        response.data = {
            "detail": messages[0] if messages else _("输入有误。"),
            "code": "invalid",
            "errors": {k: _flatten(v) for k, v in errors.items()},
        }
    else:
        detail = getattr(exc, "detail", str(exc))
        code = detail.code if hasattr(detail, "code") else "error"
        response.data = {"detail": str(detail), "code": code}
        if isinstance(exc, exceptions.ParseError):
            response.data["errors"] = {"non_field_errors": [str(detail)]}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["detail"] = response.data["detail"] or _("请先登录。")
    return response
