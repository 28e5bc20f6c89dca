"""Word documents in the committee's usual forms (python-docx).

- ``proposal_docx``: one proposal (提案) — title, the form table, 情况分析 and 具体建议;
- ``reply_letter_docx``: a unit's reply letter (答复函);
- ``compilation_docx``: a session's filed proposals as one book (提案汇编) with a table
  of contents that Word can update (a real TOC field) and that is readable before it
  does: the field's cached result is the plain list of entries (案号 + 案由).

Styles carry East Asian fonts (``w:eastAsia``) so Chinese renders in Word's own fonts
instead of a Latin fallback; pages are A4 with the margins of official documents.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from committees.models import Committee, Session, chinese_number
from proposals.choices import Category, Kind, Source, UnitRole
from proposals.domain import groups
from proposals.exports.columns import (
    active_assignments,
    confirmed_cosigners,
    label_of,
    proposer_name,
)
from proposals.models import Proposal, Reply

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
RED = RGBColor(0xC0, 0x00, 0x00)
LABEL_WIDTH, VALUE_WIDTH = Cm(3.2), Cm(12.4)
STYLE_NAMES = (
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "TOC Heading",
    "toc 1",
    "toc 2",
    "Table Grid",
)
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
# Elements that follow w:updateFields in w:settings (the schema's order matters to Word).
_AFTER_UPDATE_FIELDS = {
    qn(f"w:{name}")
    for name in (
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    )
}


# ---- names and dates as the documents write them ---------------------------------------------


def meeting_name(committee: Committee, session: Session) -> str:
    """政协太原市第十四届委员会第二次会议 (falls back to 太原市政协十四届二次会议)."""
    place = committee.name.removesuffix("政协")
    if place and place != committee.name:
        return _("政协{place}第{term}届委员会第{meeting}次会议").format(
            place=place, term=chinese_number(session.term), meeting=chinese_number(session.meeting)
        )
    return f"{committee.name}{session.name}"


def chinese_date(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def units_line(p: Proposal) -> str:
    """主办：A；会办：B、C — the units now handling the proposal."""
    parts = []
    for role in groups.ROLE_ORDER:
        names = [str(a.unit) for a in active_assignments(p, role)]
        if names:
            parts.append(f"{UnitRole(role).label}：{'、'.join(names)}")
    return "；".join(parts)


# ---- styles ---------------------------------------------------------------------------------


def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts on a style's or run's ``w:rPr``, dropping theme fonts that win over them."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(doc: DocxDocument, name: str, font: str, size: float, bold: bool = False):
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
        style.base_style = doc.styles["Normal"]
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = BLACK
    return style


def new_document(title: str) -> DocxDocument:
    """An A4 document with Chinese fonts on every style used here and page numbers."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = _style(doc, "Normal", BODY_FONT, 14)
    normal.paragraph_format.line_spacing = 1.25
    title = _style(doc, "Title", TITLE_FONT, 22, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _style(doc, "Heading 1", HEADING_FONT, 16, bold=True)
    _style(doc, "Heading 2", HEADING_FONT, 15, bold=True)
    _style(doc, "Heading 3", HEADING_FONT, 14)
    toc_heading = _style(doc, "TOC Heading", HEADING_FONT, 16, bold=True)
    toc_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _style(doc, "toc 1", HEADING_FONT, 14)
    _style(doc, "toc 2", BODY_FONT, 12).paragraph_format.left_indent = Cm(0.8)
    title_ppr = title.element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):  # the template underlines titles
        title_ppr.remove(border)
    _page_numbers(section)
    return doc


def _field_runs(paragraph: Paragraph, instruction: str, cached: str = "") -> None:
    """Append a complex field (begin, instruction, separate, cached result, end)."""
    _fld_char(paragraph, "begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    _fld_char(paragraph, "separate")
    if cached:
        paragraph.add_run(cached)
    _fld_char(paragraph, "end")


def _fld_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    _field_runs(paragraph, " PAGE ", "1")
    paragraph.add_run(" —")


def _update_fields_on_open(doc: DocxDocument) -> None:
    """Ask Word to refresh fields (the TOC's page numbers) when the file is opened."""
    settings = doc.settings.element
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    for child in settings:
        if child.tag in _AFTER_UPDATE_FIELDS:
            child.addprevious(flag)
            return
    settings.append(flag)


# ---- building blocks ------------------------------------------------------------------------


class Writer:
    """Appends to a document, fast enough for a book of hundreds of proposals.

    python-docx looks a style up by name on every use, and finds the end of the body by
    scanning it on every insert; both grow with the document. Here style ids are
    resolved once, and ``block()`` builds a part in a detached body and then moves it
    in front of the section properties in one go.
    """

    def __init__(self, title: str):
        self.doc = new_document(title)
        styles = self.doc.styles
        self.ids = {name: styles[name].style_id for name in STYLE_NAMES}
        self.width = self.doc._block_width
        self._target = self.doc._body
        self._forms: dict[tuple[str, ...], object] = {}

    @contextmanager
    def block(self) -> Iterator[None]:
        body = self.doc.element.body
        detached = OxmlElement("w:body")
        self._target = BlockItemContainer(detached, self.doc._body)
        try:
            yield
        finally:
            self._target = self.doc._body
            end = body.sectPr
            for child in list(detached):
                if end is None:
                    body.append(child)
                else:
                    end.addprevious(child)

    def paragraph(self, text: str = "", style: str | None = None, align=None) -> Paragraph:
        paragraph = self._target.add_paragraph()
        if style is not None:
            paragraph._p.style = self.ids[style]
        if text:
            paragraph.add_run(clean(text))
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def before(self, anchor: Paragraph, text: str, style: str) -> Paragraph:
        paragraph = anchor.insert_paragraph_before(clean(text))
        paragraph._p.style = self.ids[style]
        return paragraph

    def body(self, text: str) -> None:
        """Body text, one Word paragraph per line, indented two characters (Chinese prose)."""
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        for line in lines or ["—"]:
            self.paragraph(line).paragraph_format.first_line_indent = Pt(28)

    def form(self, rows: list[tuple[str, str]]) -> Table:
        """A two-column table: bold centred labels, then the values.

        The first table with a given set of labels is built cell by cell and kept as a
        template; later ones are copies of it with the values filled in (python-docx
        takes longer over one table than over all the rest of a proposal).
        """
        labels = tuple(label for label, _value in rows)
        if labels not in self._forms:
            self._forms[labels] = self._empty_form(labels)
        tbl = deepcopy(self._forms[labels])
        value_texts = list(tbl.iter(qn("w:t")))[1::2]  # label, value, label, value …
        for text, (_label, value) in zip(value_texts, rows, strict=True):
            text.text = clean(value)
        self._target._element._insert_tbl(tbl)
        return Table(tbl, self._target)

    def _empty_form(self, labels: tuple[str, ...]):
        table = BlockItemContainer(OxmlElement("w:body"), self.doc._body).add_table(
            0, 2, self.width
        )
        table._tbl.tblPr.style = self.ids["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for label in labels:
            label_cell, value_cell = table.add_row().cells
            label_cell.width, value_cell.width = LABEL_WIDTH, VALUE_WIDTH
            heading = label_cell.paragraphs[0]
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            heading.add_run(label).bold = True
            value_cell.paragraphs[0].add_run(" ")  # a w:t to fill in
        return table._tbl

    def proposal(self, p: Proposal, section_level: int) -> None:
        """The form table, then 情况分析 and 具体建议 under headings of ``section_level``."""
        self.form(proposal_rows(p))
        self.heading(_("情况分析"), section_level)
        self.body(p.background)
        self.heading(_("具体建议"), section_level)
        self.body(p.suggestions)


def clean(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return XML_ILLEGAL.sub("", str(text))


def proposal_rows(p: Proposal) -> list[tuple[str, str]]:
    """The form's rows: 案号, 案由, 提案人, 联名人, 界别, 类别, 提案类型, 提交日期, 承办单位."""
    if p.source == Source.COLLECTIVE and p.organization_id:
        proposer = _("{org}（集体提案）").format(org=p.organization)
    else:
        proposer = proposer_name(p)
    category = label_of(Category, p.category)
    if p.topic_id:
        category = f"{category} · {p.topic}"
    kind = " · ".join(x for x in (label_of(Kind, p.kind), label_of(Source, p.source)) if x)
    return [
        (_("案号"), p.number or _("（未立案）")),
        (_("案由"), p.title),
        (_("提案人"), proposer),
        (_("联名人"), "、".join(confirmed_cosigners(p)) or _("无")),
        (_("界别"), p.sector.name if p.sector_id else "—"),
        (_("类别"), category),
        (_("提案类型"), kind),
        (_("提交日期"), chinese_date(p.submitted_at) or "—"),
        (_("承办单位"), units_line(p) or "—"),
    ]


# ---- the three documents --------------------------------------------------------------------


def proposal_docx(p: Proposal) -> DocxDocument:
    """One proposal in the usual form (prefetch cosigners, assignments and units)."""
    title = _("{meeting}提案").format(meeting=meeting_name(p.committee, p.session))
    w = Writer(title)
    w.heading(title, 0)
    w.proposal(p, section_level=1)
    return w.doc


def addressee(p: Proposal) -> str:
    if p.source == Source.COLLECTIVE and p.organization_id:
        return f"{p.organization}："
    return _("{name}委员：").format(name=p.proposer)


def reply_letter_docx(reply: Reply) -> DocxDocument:
    """答复函: the unit writes to the proposer about one proposal, classed 「（A类）」."""
    assignment = reply.assignment
    p = assignment.proposal
    unit = str(assignment.unit)
    title = _("关于{meeting}第{number}号提案的答复").format(
        meeting=meeting_name(p.committee, p.session), number=p.number or p.pk
    )
    w = Writer(title)
    right, center = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER
    w.paragraph(align=right).add_run(_("（{c}类）").format(c=reply.classification)).bold = True
    if reply.signed_by:
        w.paragraph(_("签发人：{name}").format(name=reply.signed_by), align=right)
    run = w.paragraph(align=center).add_run(clean(unit))
    run.bold, run.font.size, run.font.color.rgb = True, Pt(26), RED
    set_fonts(run._r, TITLE_FONT)
    w.heading(title, 0)
    w.paragraph(addressee(p))
    w.body(reply.content)
    w.paragraph()
    w.paragraph(unit, align=right)
    w.paragraph(chinese_date(reply.reply_date), align=right)
    cc = w.paragraph(_("抄送：{committee}提案委员会").format(committee=p.committee))
    cc.paragraph_format.space_before = Pt(24)
    return w.doc


def _toc(w: Writer, anchor: Paragraph, entries: list[tuple[int, str]]) -> None:
    """Before ``anchor``: the TOC field, whose cached result is the plain list of entries.

    Word replaces the cached list with a real table of contents (page numbers, links)
    when it updates the field; until then — or in a viewer that never does — the
    plain list is what the reader sees.
    """
    if not entries:
        entries = [(1, _("（本次会议暂无立案提案）"))]
    paragraphs = [w.before(anchor, text, f"toc {level}") for level, text in entries]
    first, last = paragraphs[0], paragraphs[-1]
    # begin (dirty: Word refreshes it), instruction and separate precede the first entry.
    begin, instruction, separate = OxmlElement("w:r"), OxmlElement("w:r"), OxmlElement("w:r")
    for run, kind in ((begin, "begin"), (separate, "separate")):
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run.append(char)
    begin[0].set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = TOC_INSTRUCTION
    instruction.append(instr)
    first_run = first.runs[0]._r
    for element in (begin, instruction, separate):
        first_run.addprevious(element)
    _fld_char(last, "end")


def compilation_docx(
    session: Session,
    proposals: Iterable[Proposal],
    progress: Callable[[int], None] | None = None,
) -> DocxDocument:
    """提案汇编: cover, table of contents, then each proposal (by category) on its own page.

    ``proposals`` are read once, in order (a chunked iterator is fine); ``progress(n)``
    is called after each one. Headings: the category is Heading 1, each proposal
    Heading 2 (what the TOC lists); 情况分析/具体建议 are Heading 3.
    """
    committee = session.committee
    meeting = meeting_name(committee, session)
    w = Writer(_("{meeting}提案汇编").format(meeting=meeting))
    _update_fields_on_open(w.doc)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for _i in range(4):
        w.paragraph()
    w.paragraph(align=center).add_run(meeting).font.size = Pt(22)
    w.heading(_("提案汇编"), 0).runs[0].font.size = Pt(36)
    count_line = w.paragraph(align=center)
    for _i in range(6):
        w.paragraph()
    w.paragraph(_("{committee}提案委员会　编").format(committee=committee), align=center)
    today = timezone.localdate()
    edition = w.paragraph(_("{y}年{m}月").format(y=today.year, m=today.month), align=center)
    edition.runs[0].add_break(WD_BREAK.PAGE)

    w.paragraph(_("目　　录"), "TOC Heading")
    anchor = w.paragraph()  # the entries go before it once they are known
    anchor.add_run().add_break(WD_BREAK.PAGE)

    entries: list[tuple[int, str]] = []
    category = None
    count = 0
    for p in proposals:
        new_page = True
        if p.category != category:
            category = p.category
            heading = w.heading(_("{label}类").format(label=label_of(Category, category)), 1)
            heading.paragraph_format.page_break_before = count > 0
            entries.append((1, heading.text))
            new_page = False  # the proposal follows its category's heading
        text = f"{p.number}　{p.title}"
        with w.block():
            w.heading(text, 2).paragraph_format.page_break_before = new_page
            w.proposal(p, section_level=3)
        entries.append((2, text))
        count += 1
        if progress is not None:
            progress(count)
    count_line.add_run(_("共 {n} 件").format(n=count)).font.size = Pt(16)
    _toc(w, anchor, entries)
    return w.doc
