"""The annual report as a Word document (python-docx): what the office edits and passes on.

Word picks the font of Chinese text from ``w:rFonts/@w:eastAsia``; python-docx's
``font.name`` sets only the Latin slots, and the built-in heading styles point at
theme fonts, so every style used here gets explicit Latin and East Asian fonts and
loses its theme references. Otherwise Chinese text falls back to whatever the
reader's Word picks (often a Japanese face on non-Chinese installations).
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from proposals.reports.annual import AnnualReport, Table, sector_table, unit_table

BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Times New Roman", "黑体")
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(element, latin: str, east_asian: str) -> None:
    """Explicit Latin and East Asian fonts on a style's or run's ``w:rPr``."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style(document, name: str, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
    style = document.styles[name]
    set_fonts(style.element, *fonts)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    borders = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
    if borders is not None:  # the Title style's blue rule
        style.element.pPr.remove(borders)


def _paragraph(document, text: str, indent: bool = True):
    paragraph = document.add_paragraph(text)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
    return paragraph


def _repeat_header(row) -> None:
    """Repeat the header row on every page of a long table."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, data: Table) -> None:
    headers, rows = data.headers, data.rows
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        set_fonts(run._r, *HEADING_FONT)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.text = str(value)
            if index >= 1:  # the first column names the row, the others are figures
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def annual_docx(report: AnnualReport) -> bytes:
    """The report as .docx bytes: title, the sentences, the unit and sector tables."""
    document = Document()
    _style(document, "Normal", BODY_FONT, 12)
    _style(document, "Title", HEADING_FONT, 18, bold=True)
    _style(document, "Heading 1", HEADING_FONT, 15, bold=True)
    _style(document, "Heading 2", HEADING_FONT, 13, bold=True)
    document.core_properties.title = report.title

    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = _paragraph(document, _("（提案工作报告统计部分）"), indent=False)
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(report.heading, level=1)
    for text in report.paragraphs:
        _paragraph(document, text)
    for line in report.category_lines:
        _paragraph(document, line.text)
    for text in report.handling:
        _paragraph(document, text)

    document.add_heading(_("承办单位办理情况"), level=2)
    if report.units:
        _table(document, unit_table(report))
    else:
        _paragraph(document, _("本期没有交办的提案。"))
    document.add_heading(_("各界别提案情况"), level=2)
    if report.sectors:
        _table(document, sector_table(report))
    else:
        _paragraph(document, _("本期没有收到提案。"))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
