"""Login protection (django-axes): two limits, and the Chinese answer to a locked login.

A username is locked after ``LOGIN_FAILURE_LIMIT`` failures from any address; an address
after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures for any usernames. Axes compares a single
count with a single limit, so :class:`LoginFailureHandler` reports a locked address as
a username at its limit. Only failures are recorded, so a whole office logging in
through one NAT address never locks itself out by succeeding.
"""

from __future__ import annotations

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


class LoginFailureHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit per address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_username, settings.LOGIN_FAILURE_LIMIT)
        return by_username


def remaining_minutes(request: HttpRequest, credentials: dict | None) -> int:
    """Whole minutes until the lock lifts (at least 1): the cool-off after the last failure."""
    attempts = LoginFailureHandler().get_user_attempts(request, credentials)
    latest = [t for a in attempts if (t := a.aggregate(t=Max("attempt_time"))["t"])]
    cool_off = get_cool_off(request) or datetime.timedelta(minutes=1)
    ends = max(latest, default=timezone.now()) + cool_off
    return max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))


def lockout_message(minutes: int) -> str:
    return _("登录失败次数过多，该账号或地址已被暂时锁定，请在 {m} 分钟后再试。").format(
        m=minutes
    ) + _("如需立即解锁，请联系系统管理员。")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429 with the wait in minutes: JSON for the API, the login page otherwise."""
    minutes = remaining_minutes(request, credentials)
    message = lockout_message(minutes)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out", "errors": {}}, status=429)
    else:
        context = {"message": message, "username": get_client_username(request, credentials)}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
