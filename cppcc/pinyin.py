"""Pinyin initials, so that a picker finds 张志强 by typing ``zzq`` and 市发展和改革委员会
by ``sfg`` (pypinyin ships its dictionary: nothing is downloaded)."""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models import Q, QuerySet
from pypinyin import Style, lazy_pinyin

LETTERS = re.compile(r"[a-z]+")


@lru_cache(maxsize=20_000)
def initials(text: str) -> str:
    """``'张志强'`` → ``'zzq'``; latin letters and digits are kept, lower-cased."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower().replace(" ", "")


def matching_initials(queryset: QuerySet, value: str, field: str = "name") -> Q:
    """A condition for the rows of ``queryset`` whose ``field`` has initials starting
    with ``value`` (letters only; anything else matches nothing). The names are read and
    converted here: a committee has hundreds of members and units, not millions."""
    value = value.strip().lower()
    if not LETTERS.fullmatch(value):
        return Q(pk__in=[])
    ids = [pk for pk, name in queryset.values_list("pk", field) if initials(name).startswith(value)]
    return Q(pk__in=ids)
