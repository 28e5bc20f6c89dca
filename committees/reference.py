"""Reference data — a committee's sessions, sectors, organizations, handling units and
rule sets — as every list page reads it: cached, because it is read on each page and
changes a few times a year.

Entries live under a version token that any save or delete of these models replaces (at
once, and again when the transaction commits), so a change shows on the next page. The
cache tolerates a Redis outage (``cppcc.cache``): reads then come from the database, and a
token change lost in an outage outlives it by at most ``TIMEOUT``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

from committees.models import (
    Committee,
    HandlingUnit,
    Organization,
    RuleSet,
    Sector,
    Session,
)

TIMEOUT = 300
MODELS = (Committee, Session, Sector, Organization, HandlingUnit, RuleSet)


def _token_key() -> str:
    # The database's name: installations (and test runs) may share one Redis.
    return f"reference:token:{settings.DATABASES['default']['NAME']}"


def _token() -> str:
    return cache.get_or_set(_token_key(), lambda: uuid.uuid4().hex, None) or "none"


def _cached(name: str, ids: set[int] | None, compute):
    scope = "all" if ids is None else ",".join(str(i) for i in sorted(ids))
    key = f"{_token_key()}:{_token()}:{name}:{scope}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found


def choices(queryset: QuerySet, ids: set[int] | None) -> list[tuple[int, str]]:
    """(pk, label) of ``queryset`` — a reference model's rows of committees ``ids``
    (None: every committee), as a select offers them."""
    name = queryset.model._meta.label_lower
    # From the primary, always: a lagging replica's rows must not be cached as current.
    return _cached(name, ids, lambda: [(o.pk, str(o)) for o in queryset.using(DEFAULT_DB_ALIAS)])


def rule_sets(committee_ids: set[int]) -> list[RuleSet]:
    """Every rule set of these committees (their defaults and per-session ones)."""
    return _cached(
        "ruleset",
        committee_ids,
        lambda: list(
            RuleSet.objects.using(DEFAULT_DB_ALIAS).filter(committee_id__in=committee_ids)
        ),
    )


def _renew() -> None:
    cache.set(_token_key(), uuid.uuid4().hex, None)


def _changed(sender: type[Model], **kwargs) -> None:
    # Now, for this transaction's own reads; and after the commit, for what another
    # request cached from the old rows in between.
    _renew()
    transaction.on_commit(_renew)


for _model in MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"reference-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"reference-{_model.__name__}-del")
