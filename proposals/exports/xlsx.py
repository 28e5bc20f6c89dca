"""A small generic Excel writer: columns declared once, rows streamed into openpyxl.

Each column says its Chinese header, how to get the value from a row object, its type
and its width. The sheet gets a bold frozen header row, an autofilter over the data,
real cell types (dates are dates, numbers are numbers) with a number format per type,
and the declared widths. Rows are written in openpyxl's write-only mode, so a large
export does not hold the whole sheet in memory.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

TEXT, INT, DATE, DATETIME, PERCENT = "text", "int", "date", "datetime", "percent"
NUMBER_FORMATS = {
    TEXT: "General",
    INT: "0",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    PERCENT: "0.0%",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_SHEET_TITLE = 31  # Excel's limit


@dataclass(frozen=True)
class Column:
    """One column: ``value(row)`` gives the cell's value (None leaves the cell empty)."""

    header: str  # may be a lazy translation
    value: Callable[[Any], Any]
    type: str = TEXT
    width: float = 12
    wrap: bool = False

    def __post_init__(self) -> None:
        if self.type not in NUMBER_FORMATS:
            raise ValueError(f"unknown column type {self.type!r}")


def cell_value(column: Column, value: Any) -> Any:
    """``value`` as the column's type: Excel has no time zones, so datetimes are local."""
    if value is None or value == "":
        return None
    if column.type == DATETIME:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if column.type == DATE:
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value
    if column.type == INT:
        return int(value)
    if column.type == PERCENT:
        return float(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def write_xlsx(
    columns: list[Column],
    rows: Iterable[Any],
    out: IO[bytes],
    *,
    title: str,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` as one sheet to ``out``; ``on_row(n)`` after each row. Returns the count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:MAX_SHEET_TITLE])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    # One styled cell per column, reused for every row: write-only rows are serialized
    # as they are appended, and styling a fresh cell per value is what costs time.
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet)
        cell.number_format = NUMBER_FORMATS[column.type]
        if column.wrap:
            cell.alignment = WRAP
        cells.append(cell)
    count = 0
    for row in rows:
        values = []
        for column, cell in zip(columns, cells, strict=True):
            value = cell_value(column, column.value(row))
            if value is None:
                values.append(None)
                continue
            cell.value = value
            if column.type == TEXT:
                cell.data_type = "s"  # never a formula, whatever the text starts with
            values.append(cell)
        sheet.append(values)
        count += 1
        if on_row is not None:
            on_row(count)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(out)
    return count
