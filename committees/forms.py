"""Forms of the administrators' rule and calendar pages.

The JSON lists of a rule set are edited in plain form: review stages as checkboxes,
decline grounds one per line, reply classes as ``A|已解决或采纳`` lines. The forms
only turn text into values; the rules themselves are checked by the model
(``committees.rules.validate_rule_set``) and ``save_rule_set``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import CalendarOverride, RuleSet
from proposals.choices import ReviewStage

MAX_LIST_LINES = 50
# Upper bound of every period (months or working days) in a rule set.
MAX_PERIOD = 60
MAX_CALENDAR_LINES = 400


class LinesField(forms.CharField):
    """A textarea whose value is a list of non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 7, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(data) != self.to_python(self.prepare_value(initial) or "")

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_LIST_LINES:
            raise forms.ValidationError(_("最多 %(n)s 行。") % {"n": MAX_LIST_LINES})

    def run_validators(self, value: Any) -> None:
        return None


class DeclineGroundsField(LinesField):
    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for number, line in enumerate(value, start=1):
            if len(line) > 100:
                raise forms.ValidationError(_("第 %(n)s 行超过 100 个字符。") % {"n": number})
            if line in value[: number - 1]:
                raise forms.ValidationError(_("第 %(n)s 行与前面重复。") % {"n": number})


class ReplyClassesField(LinesField):
    """Lines ``code|label`` ↔ ``[{"code": …, "label": …}]``."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(
                f"{item.get('code', '')}|{item.get('label', '')}"
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        return value

    def clean(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        lines = self.to_python(value)
        self.validate(lines)
        classes: list[dict[str, str]] = []
        for number, line in enumerate(lines, start=1):
            code, sep, label = line.replace("｜", "|").partition("|")
            code, label = code.strip(), label.strip()
            if not sep or not code or not label:
                raise forms.ValidationError(
                    _("第 %(n)s 行格式应为“代码|名称”，例如 A|已解决或采纳。") % {"n": number}
                )
            if len(code) > 5 or len(label) > 40:
                raise forms.ValidationError(
                    _("第 %(n)s 行：代码最多 5 个字符，名称最多 40 个字符。") % {"n": number}
                )
            if any(item["code"] == code for item in classes):
                raise forms.ValidationError(
                    _("第 %(n)s 行：代码 %(code)s 重复。") % {"n": number, "code": code}
                )
            classes.append({"code": code, "label": label})
        return classes


class RuleSetForm(forms.ModelForm):
    """Edit one rule set; saved by the view through ``save_rule_set``, not ``save()``."""

    review_stages = forms.MultipleChoiceField(
        label=gettext_lazy("审查环节"),
        choices=ReviewStage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("按初审、复审、联审的顺序进行，勾选需要的环节。"),
    )
    decline_grounds = DeclineGroundsField(
        label=gettext_lazy("不予立案理由"),
        required=False,
        help_text=gettext_lazy("每行一条。"),
    )
    reply_classes = ReplyClassesField(
        label=gettext_lazy("答复分类"),
        help_text=gettext_lazy("每行一类，格式为“代码|名称”，例如 A|已解决或采纳。"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RuleSet
        fields = [
            "reroute_window_workdays",
            "co_opinion_months",
            "reply_months",
            "reply_max_months",
            "rehandling_months",
            "feedback_months",
            "feedback_timeout",
            "reroute_restarts_clock",
            "extension_restarts_clock",
            "rehandling_restarts_clock",
            "review_stages",
            "number_format",
            "decline_grounds",
            "reply_classes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField) and name != "expected_version":
                # The model allows up to 32767; a sane bound keeps computed dates in range.
                field.max_value = MAX_PERIOD
                field.validators.append(MaxValueValidator(MAX_PERIOD))
                field.widget.attrs.update(min=1, max=MAX_PERIOD)

    def clean_review_stages(self) -> list[str]:
        chosen = set(self.cleaned_data["review_stages"])
        # Stages always run in the canonical order, whatever order the browser sent.
        return [stage for stage in ReviewStage.values if stage in chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None and expected != self.instance.version:
            raise forms.ValidationError(
                _("该规则已被他人修改（现为第 %(v)s 版），请刷新页面后重新填写。")
                % {"v": self.instance.version}
            )
        return cleaned


HOLIDAY_WORDS = {"holiday", "休", "假", "休息", "节假日", "法定节假日", "放假"}
WORKDAY_WORDS = {"workday", "班", "上班", "补班", "调休", "调休上班", "调休上班日"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_day(text: str) -> datetime.date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_calendar_lines(text: str) -> tuple[list[tuple[datetime.date, str, str]], list[str]]:
    """Lines ``2027-01-01 holiday 元旦`` → (days, errors by line). Kind may be Chinese."""
    days: list[tuple[datetime.date, str, str]] = []
    errors: list[str] = []
    seen: dict[datetime.date, int] = {}
    lines = text.splitlines()
    if len(lines) > MAX_CALENDAR_LINES:
        return [], [_("一次最多录入 %(n)s 行。") % {"n": MAX_CALENDAR_LINES}]
    for number, line in enumerate(lines, start=1):
        parts = re.split(r"[\s,，;；]+", line.replace("\u3000", " ").strip(), maxsplit=2)
        if not parts or not parts[0]:
            continue
        day = parse_day(parts[0])
        if day is None:
            errors.append(_("第 %(n)s 行：日期应为 2027-01-01 的格式。") % {"n": number})
            continue
        word = parts[1].lower() if len(parts) > 1 else ""
        if word in HOLIDAY_WORDS:
            kind = CalendarOverride.Kind.HOLIDAY
        elif word in WORKDAY_WORDS:
            kind = CalendarOverride.Kind.WORKDAY
        else:
            errors.append(
                _("第 %(n)s 行：类型应为 holiday（休）或 workday（班）。") % {"n": number}
            )
            continue
        name = parts[2].strip() if len(parts) > 2 else ""
        if len(name) > 40:
            errors.append(_("第 %(n)s 行：名称最多 40 个字符。") % {"n": number})
            continue
        if day in seen:
            errors.append(_("第 %(n)s 行：日期与第 %(m)s 行重复。") % {"n": number, "m": seen[day]})
            continue
        seen[day] = number
        days.append((day, kind.value, name))
    return days, errors


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=CalendarOverride.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("例如：元旦、春节、春节调休。"),
    )

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("日期超出范围。"))
        return day


class CalendarBulkForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("批量录入"),
        widget=forms.Textarea(
            attrs={"rows": 8, "cols": 50, "placeholder": "2027-01-01 holiday 元旦"}
        ),
        help_text=gettext_lazy(
            "每行一天：日期 类型 名称。类型填 holiday（休）或 workday（班），名称可省略。"
            "例如：2027-01-01 holiday 元旦"
        ),
    )

    days: list[tuple[datetime.date, str, str]]

    def clean_lines(self) -> str:
        text = self.cleaned_data["lines"]
        days, errors = parse_calendar_lines(text)
        for day, _kind, _name in days:
            if not 2000 <= day.year <= 2100:
                errors.append(_("日期 %(d)s 超出范围。") % {"d": day.isoformat()})
        if errors:
            raise forms.ValidationError(errors)
        if not days:
            raise forms.ValidationError(_("请至少填写一行。"))
        self.days = days
        return text
