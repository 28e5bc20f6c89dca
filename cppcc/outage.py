"""What the site answers while PostgreSQL is unreachable or restarting.

Django's error handler (``handler500``) is called for any uncaught exception, raised in
a view or in a middleware (sessions, authentication), with the exception still being
handled. When that exception is a lost or refused database connection, the answer is a
503 with ``Retry-After`` — a Chinese page, or JSON under ``/api/`` — instead of "系统出现
错误": nothing is wrong with the request, the user should simply try again. Connections
come back by themselves (``CONN_HEALTH_CHECKS``), without restarting gunicorn.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("cppcc.outage")

RETRY_AFTER_SECONDS = 30
MESSAGE = "数据库暂时不可用，请稍后重试。"


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": MESSAGE, "code": "database_unavailable"}, status=503
        )
    else:
        # Rendered without the request: context processors would ask the database again.
        page = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage is a 503; anything else Django's 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("database unavailable: %s %s: %s", request.method, request.path, exc)
        return database_unavailable(request)
    return defaults.server_error(request)
