"""Reading account sheets (.xlsx) for the bulk import, and checking every row.

Three steps, kept apart so each can be tested alone:

* :func:`read_sheet` turns an uploaded file into plain rows (Excel line number and
  a dict of header → text), refusing anything that is not a small .xlsx;
* :func:`load_context` reads, in a fixed number of queries, what the rows must be
  checked against (sectors, taken usernames and member numbers, existing units);
* :func:`check_rows` is pure: rows + context → one :class:`CheckedRow` per row, with
  the data ``members.services.provision_many`` takes, or the errors that stop it.

Nothing here writes to the database.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Committee, HandlingUnit, Sector
from cppcc import uploads
from members.models import Member, User

MAX_ROWS = 2000
# An .xlsx is a zip: refuse one that would unpack to far more than a sheet of accounts.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# Columns beyond this are never read (a stray formula far to the right costs nothing).
MAX_COLUMNS = 30


class Kind(StrEnum):
    """The two sheets an administrator can import."""

    MEMBERS = "members"
    UNITS = "units"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {Kind.MEMBERS: gettext_lazy("委员"), Kind.UNITS: gettext_lazy("承办单位账号")}


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    max_length: int


# Header texts are the sheet's contract with the user, so they stay literal Chinese.
COLUMNS: dict[Kind, list[Column]] = {
    Kind.MEMBERS: [
        Column("姓名", True, 60),
        Column("委员编号", True, 20),
        Column("界别", True, 60),
        Column("党派", False, 40),
        Column("手机", False, 30),
        Column("邮箱", False, 254),
        Column("用户名", True, 150),
    ],
    Kind.UNITS: [
        Column("单位代码", True, 20),
        Column("单位名称", True, 100),
        Column("单位类别", True, 40),
        Column("姓名", True, 60),
        Column("用户名", True, 150),
        Column("手机", False, 30),
        Column("邮箱", False, 254),
        Column("职务", False, 10),
    ],
}


def headers(kind: Kind) -> list[str]:
    return [column.header for column in COLUMNS[kind]]


def _fold(text: str) -> str:
    """Compare labels loosely: no spaces, half-width brackets."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


UNIT_KINDS = {_fold(str(label)): value for value, label in HandlingUnit.Kind.choices}
POSITIONS = {_fold(str(label)): value for value, label in User.UnitPosition.choices}


class SheetError(Exception):
    """The file as a whole cannot be read: wrong type, too large, missing columns."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RawRow:
    line: int
    cells: dict[str, str]


@dataclass
class CheckedRow:
    line: int
    cells: dict[str, str]
    data: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    # For unit sheets: the unit does not exist yet and will be created.
    creates_unit: bool = False

    @property
    def values(self) -> list[str]:
        """The cells in column order, for the preview table."""
        return list(self.cells.values())


@dataclass
class Context:
    """What the rows are checked against, all lower-cased where matching ignores case."""

    sectors: dict[str, int] = field(default_factory=dict)  # name or code → id
    taken_usernames: set[str] = field(default_factory=set)  # lower-cased
    taken_numbers: set[str] = field(default_factory=set)
    units_by_code: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # id, name, kind
    unit_codes_by_name: dict[str, str] = field(default_factory=dict)


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 13800000000 not 13800000000.0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def read_sheet(upload: UploadedFile, kind: Kind) -> list[RawRow]:
    """The first worksheet's rows under its header row; raises :class:`SheetError`.

    The file passes the same upload rules as every other (``cppcc.uploads``: an .xlsx by
    its content, within the import size limit) before openpyxl opens it.
    """
    from openpyxl import load_workbook

    try:
        uploads.check_upload(upload, "import")
    except uploads.UploadRejected as exc:
        raise SheetError(exc.message) from None
    content = upload.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError(_("文件不是有效的 Excel（.xlsx）文件。")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(_("文件内容过大，请分批导入。"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged upload makes openpyxl raise many different kinds
        raise SheetError(_("文件不是有效的 Excel（.xlsx）文件。")) from exc
    try:
        if not workbook.worksheets:
            raise SheetError(_("文件中没有工作表。"))
        return _rows(workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True), kind)
    finally:
        workbook.close()


def _rows(values: Iterable[tuple[Any, ...]], kind: Kind) -> list[RawRow]:
    header_index: dict[str, int | None] | None = None
    rows: list[RawRow] = []
    for line, raw in enumerate(values, start=1):
        texts = [cell_text(v) for v in raw]
        if not any(texts):
            continue
        if header_index is None:
            header_index = _header(texts, kind)
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(_("一次最多导入 %(n)s 行，请分批导入。") % {"n": MAX_ROWS})
        # Every column of the kind, in its order; an absent optional column reads as blank.
        cells = {
            header: (texts[index] if index is not None and index < len(texts) else "")
            for header, index in header_index.items()
        }
        rows.append(RawRow(line, cells))
    if header_index is None:
        raise SheetError(_("工作表是空的：第一行应为列名（%(cols)s）。") % {"cols": _cols(kind)})
    if not rows:
        raise SheetError(_("工作表中只有列名，没有数据行。"))
    return rows


def _cols(kind: Kind) -> str:
    return "、".join(headers(kind))


def _header(texts: list[str], kind: Kind) -> dict[str, int | None]:
    found = {_fold(text).rstrip("*"): index for index, text in enumerate(texts) if text}
    index = {c.header: found.get(c.header) for c in COLUMNS[kind]}
    missing = [c.header for c in COLUMNS[kind] if c.required and index[c.header] is None]
    if missing:
        raise SheetError(
            _("缺少列：%(missing)s。第一行应为列名：%(cols)s。")
            % {"missing": "、".join(missing), "cols": _cols(kind)}
        )
    return index


def load_context(committee: Committee, kind: Kind, rows: list[RawRow]) -> Context:
    """Everything :func:`check_rows` needs, in four queries whatever the number of rows."""
    usernames = {r.cells.get("用户名", "").lower() for r in rows} - {""}
    context = Context(
        taken_usernames=set(
            User.objects.annotate(lower=Lower("username"))
            .filter(lower__in=usernames)
            .values_list("lower", flat=True)
        )
    )
    if kind == Kind.MEMBERS:
        for pk, code, name in Sector.objects.filter(committee=committee).values_list(
            "pk", "code", "name"
        ):
            context.sectors.setdefault(name, pk)
            context.sectors.setdefault(code, pk)
        numbers = {r.cells.get("委员编号", "") for r in rows} - {""}
        context.taken_numbers = set(
            Member.objects.filter(committee=committee, number__in=numbers).values_list(
                "number", flat=True
            )
        )
    else:
        for pk, code, name, unit_kind in HandlingUnit.objects.filter(
            committee=committee
        ).values_list("pk", "code", "name", "kind"):
            context.units_by_code[code] = (pk, name, unit_kind)
            context.unit_codes_by_name[name] = code
    return context


def check_rows(kind: Kind, rows: list[RawRow], context: Context) -> list[CheckedRow]:
    """Each row with its data for ``provision_many``, or the reasons it cannot be imported.

    Checks the cells (required, lengths, email, username characters), references
    (sector, unit kind, position), and uniqueness within the sheet and against the
    database (username, member number, unit code and name).
    """
    checked = [CheckedRow(r.line, dict(r.cells)) for r in rows]
    seen_usernames: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    sheet_units: dict[str, tuple[int, str, str]] = {}  # code → first line, name, kind
    sheet_unit_names: dict[str, str] = {}  # name → code
    for row in checked:
        cells, errors = row.cells, row.errors
        for column in COLUMNS[kind]:
            value = cells.get(column.header, "")
            if column.required and not value:
                errors.append(_("“%(col)s”不能为空。") % {"col": column.header})
            elif len(value) > column.max_length:
                errors.append(
                    _("“%(col)s”最多 %(n)s 个字符。")
                    % {"col": column.header, "n": column.max_length}
                )
        username = cells.get("用户名", "")
        if username:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                errors.append(_("用户名只能包含字母、数字和 @/./+/-/_ 字符。"))
            lowered = username.lower()
            if lowered in context.taken_usernames:
                errors.append(_("用户名 %(u)s 已被使用。") % {"u": username})
            elif lowered in seen_usernames:
                errors.append(_("用户名与第 %(line)s 行重复。") % {"line": seen_usernames[lowered]})
            else:
                seen_usernames[lowered] = row.line
        email = cells.get("邮箱", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("邮箱格式不正确。"))
        data: dict[str, Any] = {
            "line": row.line,
            "username": username,
            "display_name": cells.get("姓名", ""),
            "email": email,
            "phone": cells.get("手机", ""),
        }
        if kind == Kind.MEMBERS:
            _check_member(row, context, seen_numbers, data)
        else:
            _check_unit(row, context, sheet_units, sheet_unit_names, data)
        if not errors:
            row.data = data
    return checked


def _check_member(
    row: CheckedRow, context: Context, seen_numbers: dict[str, int], data: dict[str, Any]
) -> None:
    cells, errors = row.cells, row.errors
    number = cells.get("委员编号", "")
    if number:
        if number in context.taken_numbers:
            errors.append(_("委员编号 %(n)s 已被使用。") % {"n": number})
        elif number in seen_numbers:
            errors.append(_("委员编号与第 %(line)s 行重复。") % {"line": seen_numbers[number]})
        else:
            seen_numbers[number] = row.line
    sector_name = cells.get("界别", "")
    sector = context.sectors.get(sector_name)
    if sector_name and sector is None:
        errors.append(_("界别“%(s)s”不存在，请先在系统中设置该界别。") % {"s": sector_name})
    data.update(
        role="member",
        member={"number": number, "sector": sector, "party": cells.get("党派", "")},
    )


def _check_unit(
    row: CheckedRow,
    context: Context,
    sheet_units: dict[str, tuple[int, str, str]],
    sheet_unit_names: dict[str, str],
    data: dict[str, Any],
) -> None:
    cells, errors = row.cells, row.errors
    code, name = cells.get("单位代码", ""), cells.get("单位名称", "")
    kind_text = cells.get("单位类别", "")
    unit_kind = UNIT_KINDS.get(_fold(kind_text))
    if kind_text and unit_kind is None:
        errors.append(
            _("单位类别须为：%(kinds)s。")
            % {"kinds": "、".join(str(label) for label in HandlingUnit.Kind.labels)}
        )
    position_text = cells.get("职务", "")
    position = POSITIONS.get(_fold(position_text)) if position_text else User.UnitPosition.HANDLER
    if position is None:
        errors.append(
            _("职务须为：%(p)s。")
            % {"p": "、".join(str(label) for label in User.UnitPosition.labels)}
        )
    data.update(role="unit", unit_position=position)
    if not (code and name):
        return
    existing = context.units_by_code.get(code)
    if existing is not None:
        pk, existing_name, existing_kind = existing
        if existing_name != name:
            errors.append(
                _("单位代码 %(c)s 在系统中是“%(n)s”，与本行单位名称不一致。")
                % {"c": code, "n": existing_name}
            )
        elif unit_kind and unit_kind != existing_kind:
            errors.append(_("单位类别与系统中该单位的类别不一致。"))
        data["unit"] = pk
        return
    if name in context.unit_codes_by_name:
        errors.append(
            _("单位名称“%(n)s”在系统中的代码是 %(c)s。")
            % {"n": name, "c": context.unit_codes_by_name[name]}
        )
        return
    first = sheet_units.get(code)
    if first is not None and (first[1], first[2]) != (name, unit_kind):
        errors.append(
            _("单位代码 %(c)s 与第 %(line)s 行的单位名称或类别不一致。")
            % {"c": code, "line": first[0]}
        )
        return
    if first is None and sheet_unit_names.get(name, code) != code:
        errors.append(_("单位名称“%(n)s”在本表中对应了不同的单位代码。") % {"n": name})
        return
    if first is None and unit_kind:
        sheet_units[code] = (row.line, name, unit_kind)
        sheet_unit_names[name] = code
    row.creates_unit = first is None
    data["new_unit"] = {"code": code, "name": name, "kind": unit_kind}


def template_workbook(kind: Kind, sector_names: list[str] | None = None) -> bytes:
    """An empty sheet with the right headers, dropdowns and a second sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.label
    sheet.append(headers(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS[kind], start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 14 if column.max_length < 100 else 24
        # Numbers such as phone numbers and member numbers must stay text.
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"

    def dropdown(header: str, options: list[str]) -> None:
        letter = sheet.cell(row=1, column=headers(kind).index(header) + 1).column_letter
        validation = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}2000")

    notes = workbook.create_sheet(_("填写说明"))
    notes.column_dimensions["A"].width = 90
    notes.append([_("只读取第一个工作表；第一行为列名，请勿修改。带 * 的说明为必填项。")])
    for column in COLUMNS[kind]:
        mark = "*" if column.required else ""
        notes.append(
            [f"{column.header}{mark}：" + _("最多 %(n)s 个字符") % {"n": column.max_length}]
        )
    if kind == Kind.MEMBERS:
        notes.append([_("界别：填写系统中已有界别的名称或代码。现有界别：")])
        for name in sector_names or []:
            notes.append([f"  {name}"])
    else:
        kinds = [str(label) for label in HandlingUnit.Kind.labels]
        positions = [str(label) for label in User.UnitPosition.labels]
        dropdown("单位类别", kinds)
        dropdown("职务", positions)
        notes.append([_("单位类别：") + "、".join(kinds)])
        notes.append([_("职务：") + "、".join(positions) + _("（留空为经办人）")])
        notes.append(
            [_("系统中没有的单位代码将按本表新建承办单位；同一单位的多个账号填写相同的单位代码。")]
        )
    notes.append([_("导入的账号由系统生成初始密码，导入完成后显示一次，请及时分发并提醒修改。")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
