"""Forms of the administrators' account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cppcc import uploads
from members.imports import Kind, RawRow, SheetError, read_sheet


class ImportUploadForm(forms.Form):
    """Which sheet, and the file; a file that cannot be read is a field error, not a 500."""

    kind = forms.ChoiceField(
        label=_("导入内容"),
        choices=[(k.value, k.label) for k in Kind],
        widget=forms.RadioSelect,
        initial=Kind.MEMBERS.value,
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    rows: list[RawRow]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("不超过 %(mb)s MB；第一个工作表的第一行为列名。") % {
            "mb": uploads.limit_bytes("import") // 1024 // 1024
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        try:
            self.rows = read_sheet(upload, Kind(kind))
        except SheetError as exc:
            self.add_error("file", exc.message)
        return cleaned
