"""Form widgets rendered in Python where Django's template-per-option rendering is the
cost of a page: a list's filters offer every unit, organization, sector and session of a
committee (a city: ~150 options, each one template render)."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """Attributes in order, as ``django/forms/widgets/attrs.html`` writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v),)
            for k, v in attrs.items()
            if v is not False and v is not None
        ),
    )


class QuickSelect(forms.Select):
    """``Select`` with the same HTML as Django's templates, built by string joins."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.append(
                format_html_join(
                    "",
                    '\n  <option value="{}"{}>{}</option>',
                    (
                        (
                            "" if o["value"] is None else str(o["value"]),
                            _attrs(o["attrs"]),
                            o["label"],
                        )
                        for o in options
                    ),
                )
            )
            if group_name:
                parts.append(mark_safe("\n</optgroup>"))
        parts.append(mark_safe("\n</select>"))
        return mark_safe("".join(parts))
