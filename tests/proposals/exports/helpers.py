"""Reading exported files back: openpyxl for Excel, python-docx for Word."""

from __future__ import annotations

import io

import docx
import openpyxl
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def body(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def sheet(response: HttpResponse):
    """The workbook's only sheet (asserting the response is an xlsx download)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def records(ws) -> list[dict]:
    """Data rows as {header: value}."""
    names = headers(ws)
    return [dict(zip(names, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def document(response: HttpResponse):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment")
    return docx.Document(io.BytesIO(body(response)))


def form(doc, index: int = 0) -> dict[str, str]:
    """A form table as {label: value}."""
    return {row.cells[0].text: row.cells[1].text for row in doc.tables[index].rows}


def texts(doc, style: str | None = None) -> list[str]:
    return [p.text for p in doc.paragraphs if style is None or p.style.name == style]
