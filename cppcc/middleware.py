"""Refusing a request body that is larger than any upload may be, before it is read.

Django spools uploads to disk before a form or serializer sees them, so the per-kind
limits in ``cppcc.uploads`` come too late to stop a body that would fill the disk.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Room for the form fields and multipart boundaries around the largest file.
MARGIN = 1024 * 1024


def body_limit() -> int:
    return max(settings.UPLOAD_MAX_MB.values()) * 1024 * 1024 + MARGIN


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit():
            message = _("提交的内容过大（上限 {mb} MB）。").format(
                mb=max(settings.UPLOAD_MAX_MB.values())
            )
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": message, "code": "too_large", "errors": {}}, status=413
                )
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
