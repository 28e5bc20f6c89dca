"""A Redis cache that degrades instead of failing while Redis is down.

What the cache holds here can be lost without harm: API throttle counters (login
protection proper lives in the database, django-axes) and reference data computed
again on a miss. So when Redis does not answer, within the short socket timeouts set
in ``settings.CACHES``, a read is a miss and a write is skipped, with a warning in the
log, and the request goes on.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("cppcc.cache")

# What each operation answers when Redis cannot: a miss, nothing stored, nothing deleted.
_FALLBACKS = {
    "get": None,
    "get_many": {},
    "set": None,
    "set_many": [],
    "add": False,
    "touch": False,
    "delete": False,
    "delete_many": None,
    "has_key": False,
    "clear": None,
}


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable, %s skipped: %s", name, exc)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            if name == "set_many":
                return list(args[0]) if args else []
            return fallback

    return call


class TolerantRedisCache(RedisCache):
    """Django's Redis cache; every operation survives an outage (see the module doc)."""

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable, incr skipped: %s", exc)
            raise ValueError(f"Key '{key}' not found") from exc  # as on a miss


for _name, _fallback in _FALLBACKS.items():
    setattr(TolerantRedisCache, _name, _tolerant(_name, _fallback))
