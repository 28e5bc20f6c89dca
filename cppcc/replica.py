"""Reads that may come from a read replica: dashboards, reports, exports and search.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this router.
Writes always go to the primary (``default``). A read goes to the replica only inside
``reads()`` — which ``ReplicaMiddleware`` opens for the GET requests of ``READ_PATHS`` (and
searches, ``?q=``), and export jobs open for their queries — and only while the user has
not written in the last ``REPLICA_STICKY_SECONDS``: someone who has just filed a proposal
sees it in the statistics at once, whatever the replica's lag. Who wrote when is kept in
the cache (Redis in production, shared by every worker).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Pages and API reads that count: they read a lot, and a second's lag does not matter.
READ_PATHS = (
    "/statistics/",
    "/reports/",
    "/exports/",
    "/api/v1/statistics/",
    "/api/v1/scorecard/",
    "/proposals/similar/",
    "/api/v1/proposals/similar/",
)
# Lists whose search (``?q=``) reads from the replica.
SEARCH_PATHS = ("/proposals/", "/api/v1/proposals/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Under READ_PATHS but a user's own fresh rows: an export job's progress.
PRIMARY_PATHS = ("/exports/jobs/",)

# Who a request is, read from the primary always: a token issued a moment ago must work.
PRIMARY_ONLY = frozenset(
    {"members.user", "members.apitoken", "auth.group", "sessions.session", "axes.accessattempt"}
)


class _Scope:
    """An open ``reads()`` block; whether it uses the replica is decided at its first read
    (an API token's user is known only once the view has authenticated it)."""

    def __init__(self, who: Callable[[], int | None]) -> None:
        self.who = who
        self.use: bool | None = None

    def on_replica(self) -> bool:
        if self.use is None:
            self.use = configured() and not recently_wrote(self.who())
        return self.use


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("replica", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _wrote_key(user_id: int) -> str:
    return f"replica:wrote:{user_id}"


def wrote(user_id: int | None) -> None:
    """``user_id`` changed something: their reads stay on the primary for a while."""
    if user_id is not None and configured():
        cache.set(_wrote_key(user_id), 1, settings.REPLICA_STICKY_SECONDS)


def recently_wrote(user_id: int | None) -> bool:
    return user_id is not None and cache.get(_wrote_key(user_id)) is not None


@contextlib.contextmanager
def reads(who: Callable[[], int | None] = lambda: None) -> Iterator[_Scope]:
    """Within this block, reads go to the replica if there is one and the user ``who()``
    answers (asked at the first read) has not just written."""
    token = _scope.set(_Scope(who))
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)  # DRF sets it here once it has authenticated
    return user.pk if user is not None and user.is_authenticated else None


def replica_read(request: HttpRequest) -> bool:
    """Whether ``request`` is one of the reads that may come from the replica."""
    if request.method not in SAFE_METHODS:
        return False
    path = request.path
    if path.startswith(PRIMARY_PATHS):
        return False
    if path.startswith(READ_PATHS):
        return True
    return path in SEARCH_PATHS and bool(request.GET.get("q", "").strip())


@checks.register(checks.Tags.database)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Who wrote when must be known to every process: a replica needs Redis."""
    if configured() and not settings.REDIS_URL:
        return [
            checks.Error(
                "设置了 DATABASE_REPLICA_URL 却没有 REDIS_URL：各进程无法共享“刚写入的用户”"
                "记录，用户可能看不到自己刚提交的内容。请同时设置 REDIS_URL。",
                id="cppcc.E020",
            )
        ]
    return []


class ReplicaRouter:
    """``db_for_read``: the replica inside ``reads()``; everything else the primary."""

    def db_for_read(self, model, **hints) -> str:
        # Never None: Django would then follow the database a related object came from.
        scope = _scope.get()
        if scope is None or model._meta.label_lower in PRIMARY_ONLY:
            return "default"
        return REPLICA if scope.on_replica() else "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema


class ReplicaMiddleware:
    """Opens ``reads()`` for the requests of ``replica_read``; notes each user's writes."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        if replica_read(request):
            with reads(lambda: _user_id(request)):
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            wrote(_user_id(request))
        return response
