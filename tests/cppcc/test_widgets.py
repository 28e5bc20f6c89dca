"""QuickSelect writes the HTML Django's Select templates write (whitespace aside)."""

from __future__ import annotations

import re

import pytest
from django import forms

from cppcc.widgets import QuickSelect

CHOICES = [("", "全部"), (1, "市发改委 <A&B>"), (2, "市教育局"), ("县区", [(3, "小店区")])]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "2", 2, "3", "missing"])
def test_same_html_as_django(value):
    attrs = {"id": "id_unit", "class": "filter", "required": True, "data-x": '"q"'}
    ours = QuickSelect(choices=CHOICES).render("unit", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("unit", value, attrs=attrs)
    assert squeezed(ours) == squeezed(django)
