"""Changing a committee's rule set or calendar: validated, logged, and announced
(``signals.schedule_changed``) so the proposals recompute their open due dates."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from committees.models import CalendarOverride, CalendarYear, Committee, CommitteeEvent, RuleSet
from committees.signals import schedule_changed
from cppcc.errors import DomainError, NotPermitted
from members.capabilities import Capability, may
from members.models import User


def _require_admin(user: User | None, committee: Committee | None) -> None:
    if user is None:
        return  # management commands
    if not may(user, Capability.ADMINISTER):
        raise NotPermitted(_("只有系统管理员可以修改规则和节假日。"))
    if committee is not None and not user.is_superuser and user.committee_id != committee.pk:
        raise NotPermitted(_("只能修改本政协的规则和节假日。"))
    if committee is None and not user.is_superuser:
        raise NotPermitted(_("全局节假日只能由超级管理员维护。"))


def save_rule_set(user: User | None, rules: RuleSet, changed: list[str] | None = None) -> RuleSet:
    """Validate and save ``rules`` (new or edited), bump its version, recompute due dates."""
    committee = rules.committee
    _require_admin(user, committee)
    if rules.session_id is not None and rules.session.committee_id != committee.pk:
        raise DomainError(_("只能为本政协的会次设置规则。"), field="session")
    try:
        rules.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from exc
    with transaction.atomic():
        if rules.pk:
            rules.version = F("version") + 1
        rules.save()
        rules.refresh_from_db()
        CommitteeEvent.objects.create(
            committee=committee,
            actor=user,
            action="rules_changed",
            message=_("规则设置更新为第 {v} 版").format(v=rules.version),
            data={"rule_set": rules.pk, "version": rules.version, "changed": changed or []},
        )
        schedule_changed.send(
            sender=RuleSet,
            committee=committee,
            actor=user,
            reason=_("规则设置变更（第 {v} 版）").format(v=rules.version),
        )
    return rules


def set_calendar_days(
    user: User | None,
    committee: Committee | None,
    days: list[tuple[datetime.date, str, str]],
) -> list[CalendarOverride]:
    """Enter published holidays / make-up workdays: ``(date, kind, name)`` each."""
    _require_admin(user, committee)
    kinds = set(CalendarOverride.Kind.values)
    for _day, kind, _name in days:
        if kind not in kinds:
            raise DomainError(_("类型须为法定节假日或调休上班日。"), field="kind")
    with transaction.atomic():
        saved = []
        for day, kind, name in days:
            row, _created = CalendarOverride.objects.update_or_create(
                committee=committee, date=day, defaults={"kind": kind, "name": name}
            )
            saved.append(row)
        _after_calendar_change(user, committee, _("节假日安排录入 {n} 天").format(n=len(days)))
    return saved


def delete_calendar_days(
    user: User | None, committee: Committee | None, dates: list[datetime.date]
) -> int:
    _require_admin(user, committee)
    with transaction.atomic():
        deleted, _detail = CalendarOverride.objects.filter(
            committee=committee, date__in=dates
        ).delete()
        _after_calendar_change(user, committee, _("删除节假日安排 {n} 天").format(n=deleted))
    return deleted


def set_calendar_year_complete(
    user: User | None, committee: Committee | None, year: int, complete: bool
) -> bool:
    """Say that ``year``'s holidays are all entered (or take it back); True if that changed.

    Until a year is complete (or in the holiday package), its due dates are counted
    Monday–Friday around the entered days and carry a warning.
    """
    _require_admin(user, committee)
    if not 2000 <= year <= 2100:
        raise DomainError(_("年份无效。"), field="year")
    with transaction.atomic():
        if complete:
            _row, changed = CalendarYear.objects.get_or_create(
                committee=committee, year=year, defaults={"marked_by": user}
            )
            why = _("确认 {y} 年节假日安排已全部录入").format(y=year)
        else:
            changed = bool(CalendarYear.objects.filter(committee=committee, year=year).delete()[0])
            why = _("撤销 {y} 年节假日安排已全部录入的确认").format(y=year)
        if changed:
            _after_calendar_change(user, committee, why)
    return changed


def _after_calendar_change(user: User | None, committee: Committee | None, why: str) -> None:
    affected = [committee] if committee is not None else list(Committee.objects.all())
    for each in affected:
        CommitteeEvent.objects.create(
            committee=each, actor=user, action="calendar_changed", message=why
        )
        schedule_changed.send(sender=CalendarOverride, committee=each, actor=user, reason=why)
