"""Finding and validating the rule set that applies to a committee and session."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from committees import reference
from committees.models import RuleSet
from proposals.choices import ReviewStage


def rules_for(committee_id: int, session_id: int | None = None) -> RuleSet:
    """The session's own rule set, else the committee's default, else built-in defaults."""
    candidates = {
        rs.session_id: rs
        for rs in RuleSet.objects.filter(committee_id=committee_id, session_id__in=[session_id])
        | RuleSet.objects.filter(committee_id=committee_id, session__isnull=True)
    }
    if session_id in candidates:
        return candidates[session_id]
    if None in candidates:
        return candidates[None]
    return RuleSet(committee_id=committee_id)


def rules_for_many(pairs: set[tuple[int, int | None]]) -> dict[tuple[int, int | None], RuleSet]:
    """``rules_for`` for many (committee, session) pairs in one query (list pages)."""
    rows = reference.rule_sets({c for c, _s in pairs})
    by_key = {(r.committee_id, r.session_id): r for r in rows}
    result = {}
    for committee_id, session_id in pairs:
        result[(committee_id, session_id)] = (
            by_key.get((committee_id, session_id))
            or by_key.get((committee_id, None))
            or RuleSet(committee_id=committee_id)
        )
    return result


def reply_class_codes(rules: RuleSet) -> list[str]:
    return [item["code"] for item in rules.reply_classes]


def validate_rule_set(rules: RuleSet) -> None:
    errors: dict[str, str] = {}
    stages = rules.review_stages
    valid = set(ReviewStage.values)
    if (
        not isinstance(stages, list)
        or not stages
        or any(s not in valid for s in stages)
        or len(set(stages)) != len(stages)
    ):
        errors["review_stages"] = _("审查环节须为 initial、second、joint 中不重复的一项或多项。")
    if rules.reply_max_months < rules.reply_months:
        errors["reply_max_months"] = _("最长答复期限不能短于答复期限。")
    try:
        rules.number_format.format(term=14, meeting=2, year=2024, seq=1)
    except (KeyError, IndexError, ValueError):
        errors["number_format"] = _("编号格式只能使用 {term}、{meeting}、{year}、{seq}。")
    if "{seq" not in rules.number_format:
        errors["number_format"] = _("编号格式必须包含序号 {seq}。")
    classes = rules.reply_classes
    if (
        not isinstance(classes, list)
        or not classes
        or any(not isinstance(c, dict) or not c.get("code") or not c.get("label") for c in classes)
    ):
        errors["reply_classes"] = _("答复分类须为包含 code 和 label 的列表。")
    grounds = rules.decline_grounds
    if not isinstance(grounds, list) or any(not isinstance(g, str) or not g for g in grounds):
        errors["decline_grounds"] = _("不予立案理由须为文字列表。")
    if errors:
        raise ValidationError(errors)
