"""The unit scorecard as an Excel workbook (openpyxl) for the yearly assessment.

Counts are written as integers and shares as numbers (83.18, format ``0.00``), not as
text, so the assessment office can sort, sum and weight them in Excel; the header
row is frozen and columns are wide enough for Chinese unit names.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from proposals.reports.scorecard import UnitScore, columns

NUMBER_FORMATS = {"int": "0", "percent": "0.00", "days": "0.0", "text": "@"}
WIDTHS = {"text": 28, "int": 10, "percent": 14, "days": 14}
HEADER_FILL = PatternFill("solid", fgColor="F6F8FA")


def scorecard_workbook(scores: list[UnitScore], title: str = "") -> bytes:
    """One sheet: a header row of Chinese column names, one row per unit, in ``scores``' order."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("承办单位考核评价")
    cols = columns(scores)
    sheet.append([str(c.label) for c in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for score in scores:
        sheet.append([score.value(c.key) for c in cols])
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS[column.kind]
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = NUMBER_FORMATS[column.kind]
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "B2"  # header row and the unit names stay in view
    if scores:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(scores) + 1}"
    if title:
        workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
