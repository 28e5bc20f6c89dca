"""API tokens: issued at login, checked on every request, revoked or expired with a clear 401."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from members.models import ApiToken, User

# How stale ``last_used_at`` may get before a request writes it again (one UPDATE per
# token per interval, not one per request).
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def is_expired(token: ApiToken, now: datetime.datetime) -> bool:
    return token.last_used_at < now - idle_limit()


@transaction.atomic
def issue(user: User) -> ApiToken:
    """The user's token (a new one if they had none, or only an expired one)."""
    now = timezone.now()
    token = ApiToken.objects.select_for_update().filter(user=user).first()
    if token is not None and is_expired(token, now):
        token.delete()
        token = None
    if token is None:
        token = ApiToken.objects.create(user=user, key=ApiToken.new_key(), last_used_at=now)
    else:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke(user: User) -> None:
    ApiToken.objects.filter(user=user).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Token`` header scheme over :class:`ApiToken`, with the idle expiry."""

    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("令牌无效或已被撤销，请重新登录取得令牌。"))
        if not token.user.is_active:
            raise AuthenticationFailed(_("账号已停用。"))
        now = timezone.now()
        if is_expired(token, now):
            token.delete()
            raise AuthenticationFailed(
                _("令牌已超过 {days} 天未使用，已失效，请重新登录取得令牌。").format(
                    days=settings.API_TOKEN_IDLE_DAYS
                )
            )
        if token.last_used_at < now - TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
