"""What a round's settings, a rubric and a reviewer's points must be; a Chinese field
error otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from committees.models import Session
from cppcc.errors import DomainError
from members.models import User

# A proposal can be nominated once it is filed (it has a number), whatever happened next.
RUBRIC_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,29}$")
RUBRIC_MAX_CRITERIA = 20
RUBRIC_MAX_POINTS = 1000
MAX_QUOTA = 1000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_rubric(rubric: Any) -> list[dict]:
    """A clean copy of ``rubric``: a non-empty list of {key, label, max}, keys and labels
    unique, each maximum a positive integer. Errors name the field ``rubric``."""

    def fail(message: str) -> DomainError:
        return DomainError(message, field="rubric")

    if not isinstance(rubric, list) or not rubric:
        raise fail(_("请至少设置一项评分标准。"))
    if len(rubric) > RUBRIC_MAX_CRITERIA:
        raise fail(_("评分标准最多 {n} 项。").format(n=RUBRIC_MAX_CRITERIA))
    clean: list[dict] = []
    keys: set[str] = set()
    labels: set[str] = set()
    for n, item in enumerate(rubric, start=1):
        if not isinstance(item, dict):
            raise fail(_("第 {n} 项评分标准格式不正确。").format(n=n))
        key, label, top = item.get("key"), item.get("label"), item.get("max")
        if not isinstance(key, str) or not RUBRIC_KEY.match(key):
            raise fail(_("第 {n} 项评分标准的代码须为字母开头的字母、数字或下划线。").format(n=n))
        if not isinstance(label, str) or not label.strip():
            raise fail(_("第 {n} 项评分标准须填写名称。").format(n=n))
        label = label.strip()
        if len(label) > 50:
            raise fail(_("第 {n} 项评分标准的名称不能超过 50 个字。").format(n=n))
        if not _is_int(top) or not 1 <= top <= RUBRIC_MAX_POINTS:
            raise fail(
                _("第 {n} 项评分标准的满分须为 1 至 {m} 的整数。").format(n=n, m=RUBRIC_MAX_POINTS)
            )
        if key in keys:
            raise fail(_("评分标准的代码“{k}”重复。").format(k=key))
        if label in labels:
            raise fail(_("评分标准“{label}”重复。").format(label=label))
        keys.add(key)
        labels.add(label)
        clean.append({"key": key, "label": label, "max": top})
    return clean


def clean_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise DomainError(_("请填写评选名称。"), field="name")
    if len(name) > 100:
        raise DomainError(_("评选名称不能超过 100 个字。"), field="name")
    return name


def clean_year(year: Any) -> int:
    if not _is_int(year) or not 2000 <= year <= 2100:
        raise DomainError(_("请填写有效的年度。"), field="year")
    return year


def clean_quota(quota: Any) -> int:
    if not _is_int(quota) or not 1 <= quota <= MAX_QUOTA:
        raise DomainError(_("评选名额须为 1 至 {m} 的整数。").format(m=MAX_QUOTA), field="quota")
    return quota


def clean_session(committee_id: int, year: int, session: Session | int | None) -> Session | None:
    if session is None:
        return None
    pk = session if isinstance(session, int) else session.pk
    found = Session.objects.filter(pk=pk, committee_id=committee_id).first()
    if found is None:
        raise DomainError(_("只能选择本政协的会次。"), field="session")
    if found.year != year:
        raise DomainError(_("所选会次不在该年度。"), field="session")
    return found


def clean_reviewers(committee_id: int, reviewers: Iterable[User | int]) -> list[int]:
    ids = sorted({r if isinstance(r, int) else r.pk for r in reviewers})
    found = set(
        User.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        raise DomainError(_("评审组成员须为本政协的在用账号。"), field="reviewers")
    return ids


# ---- rounds ----------------------------------------------------------------------------------


def validate_points(rubric: list[dict], points: Any) -> dict[str, int]:
    """Every criterion scored once, with an integer from 0 to its maximum.

    Errors name the field ``points.<key>`` of the criterion at fault.
    """
    if not isinstance(points, dict):
        raise DomainError(_("请按评分标准逐项打分。"), field="points")
    keys = {c["key"] for c in rubric}
    unknown = sorted(set(points) - keys)
    if unknown:
        raise DomainError(
            _("评分标准中没有“{k}”一项。").format(k=unknown[0]), field=f"points.{unknown[0]}"
        )
    clean: dict[str, int] = {}
    for criterion in rubric:
        key, label, top = criterion["key"], criterion["label"], criterion["max"]
        field_name = f"points.{key}"
        value = points.get(key)
        if value is None or value == "":
            raise DomainError(_("请为“{label}”打分。").format(label=label), field=field_name)
        if not _is_int(value):
            raise DomainError(_("“{label}”的得分须为整数。").format(label=label), field=field_name)
        if not 0 <= value <= top:
            message = _("“{label}”的得分须在 0 至 {m} 之间。").format(label=label, m=top)
            raise DomainError(message, field=field_name)
        clean[key] = value
    return clean
