"""Reading and checking account sheets (members.imports) and writing them all-or-nothing
(members.services.provision_many), below the browser pages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from committees.models import HandlingUnit
from cppcc.errors import NotPermitted
from members import imports, services
from members.imports import Kind, RawRow, SheetError
from members.models import Member, User
from members.roles import Role, roles_of
from tests.factories import UserFactory

MEMBER_HEADERS = ["姓名", "委员编号", "界别", "党派", "手机", "邮箱", "用户名"]
UNIT_HEADERS = ["单位代码", "单位名称", "单位类别", "姓名", "用户名", "手机", "邮箱", "职务"]


def xlsx(rows: list[list]) -> bytes:
    """A workbook built in memory, first sheet = ``rows``."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(rows: list[list], kind: Kind = Kind.MEMBERS) -> list[RawRow]:
    content = xlsx(rows)
    return imports.read_sheet(SimpleUploadedFile("a.xlsx", content), kind)


def checked(world, rows: list[list], kind: Kind = Kind.MEMBERS):
    raw = read(rows, kind)
    return imports.check_rows(kind, raw, imports.load_context(world.committee, kind, raw))


def member_row(n: int, **over) -> list:
    row = {
        "姓名": f"委员{n}",
        "委员编号": f"N{n:03d}",
        "界别": "经济界",
        "党派": "民盟",
        "手机": 13800000000 + n,
        "邮箱": f"m{n}@example.org",
        "用户名": f"imp{n}",
    }
    row.update(over)
    return [row[h] for h in MEMBER_HEADERS]


def unit_row(code: str, name: str, username: str, **over) -> list:
    row = {
        "单位代码": code,
        "单位名称": name,
        "单位类别": "市直部门",
        "姓名": f"联系人{username}",
        "用户名": username,
        "手机": "0351-1234567",
        "邮箱": "",
        "职务": "经办人",
    }
    row.update(over)
    return [row[h] for h in UNIT_HEADERS]


# ------------------------------------------------------------------ reading


def test_cells_are_text_and_columns_found_by_header(db):
    rows = read(
        [
            ["用户名", "姓名", "委员编号", "界别"],  # another order, optional columns absent
            ["zhang", " 张三 ", 1001, "经济界"],
            [None, None, None, None],  # blank lines are skipped
            ["li", "李四", 1002.0, "S01"],
        ]
    )
    assert [(r.line, r.cells["姓名"], r.cells["委员编号"], r.cells["邮箱"]) for r in rows] == [
        (2, "张三", "1001", ""),
        (4, "李四", "1002", ""),
    ]
    assert list(rows[0].cells) == MEMBER_HEADERS


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,number\n", "a.csv", ".xlsx"),
        (b"not a zip", "a.xlsx", "不支持"),
        (b"PK\x03\x04broken", "a.xlsx", "不支持"),
        (xlsx([["a"]]), "a.csv", "与扩展名不符"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(content, name, message):
    with pytest.raises(SheetError, match=message):
        imports.read_sheet(SimpleUploadedFile(name, content), Kind.MEMBERS)


def test_too_large_files_and_too_many_rows_are_refused(monkeypatch, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "import": 1}
    big = SimpleUploadedFile("a.xlsx", b"PK" + b"0" * 1024 * 1024)
    with pytest.raises(SheetError, match=r"过大.*上限为 1 MB"):
        imports.read_sheet(big, Kind.MEMBERS)
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(SheetError, match="最多导入 2 行"):
        read([MEMBER_HEADERS, member_row(1), member_row(2), member_row(3)])


def test_missing_required_columns_and_empty_sheets_are_refused():
    with pytest.raises(SheetError, match="缺少列：委员编号、用户名"):
        read([["姓名", "界别"], ["张三", "经济界"]])
    with pytest.raises(SheetError, match="没有数据行"):
        read([MEMBER_HEADERS])
    with pytest.raises(SheetError, match="工作表是空的"):
        read([[None]])


# ------------------------------------------------------------------ checking


def test_valid_member_rows_become_provisioning_data(world):
    [row] = checked(world, [MEMBER_HEADERS, member_row(1)])
    assert row.errors == []
    assert row.data == {
        "line": 2,
        "username": "imp1",
        "display_name": "委员1",
        "email": "m1@example.org",
        "phone": "13800000001",
        "role": "member",
        "member": {"number": "N001", "sector": world.sector.pk, "party": "民盟"},
    }


def test_every_bad_member_row_gets_its_own_errors(world):
    rows = checked(
        world,
        [
            MEMBER_HEADERS,
            member_row(1),
            member_row(2, 界别="不存在界"),
            member_row(3, 用户名="IMP1"),  # same as line 2, ignoring case
            member_row(4, 委员编号="N001"),  # same number as line 2
            member_row(5, 邮箱="not-an-email"),
            member_row(6, 用户名=world.member.user.username.upper()),  # taken in the database
            member_row(7, 委员编号=world.member.number),  # taken in the database
            member_row(8, 姓名="", 用户名="bad name!"),
        ],
    )
    errors = {row.line: " ".join(row.errors) for row in rows}
    assert errors[2] == ""
    assert "界别“不存在界”不存在" in errors[3]
    assert "用户名与第 2 行重复" in errors[4]
    assert "委员编号与第 2 行重复" in errors[5]
    assert "邮箱格式不正确" in errors[6]
    assert "已被使用" in errors[7]
    assert f"委员编号 {world.member.number} 已被使用" in errors[8]
    assert "“姓名”不能为空" in errors[9] and "用户名只能包含" in errors[9]
    assert all(row.data is None for row in rows if row.errors)


def test_unit_rows_reuse_existing_units_and_plan_new_ones(world):
    existing = world.units[0]
    rows = checked(
        world,
        [
            UNIT_HEADERS,
            unit_row(existing.code, existing.name, "u1", 单位类别=existing.get_kind_display()),
            unit_row("NEW1", "新建局", "u2", 职务="分管领导"),
            unit_row("NEW1", "新建局", "u3", 职务=""),
            unit_row("NEW2", "某县政府", "u4", 单位类别="县(市、区)政府"),
        ],
        Kind.UNITS,
    )
    assert [row.errors for row in rows] == [[], [], [], []]
    assert rows[0].data["unit"] == existing.pk and not rows[0].creates_unit
    assert rows[1].data["new_unit"] == {"code": "NEW1", "name": "新建局", "kind": "department"}
    assert rows[1].creates_unit and not rows[2].creates_unit
    assert rows[1].data["unit_position"] == User.UnitPosition.LEADER
    assert rows[2].data["unit_position"] == User.UnitPosition.HANDLER
    assert rows[3].data["new_unit"]["kind"] == HandlingUnit.Kind.COUNTY_GOVERNMENT


def test_bad_unit_rows_get_errors(world):
    existing = world.units[0]
    rows = checked(
        world,
        [
            UNIT_HEADERS,
            unit_row(existing.code, "别的名字", "u1"),
            unit_row("X1", existing.name, "u2"),
            unit_row("X2", "新单位", "u3", 单位类别="省直部门"),
            unit_row("X3", "新单位三", "u4", 职务="主任"),
            unit_row("X4", "甲局", "u5"),
            unit_row("X4", "乙局", "u6"),
            unit_row("X5", "甲局", "u7"),
        ],
        Kind.UNITS,
    )
    errors = {row.line: " ".join(row.errors) for row in rows}
    assert "与本行单位名称不一致" in errors[2]
    assert f"在系统中的代码是 {existing.code}" in errors[3]
    assert "单位类别须为" in errors[4]
    assert "职务须为" in errors[5]
    assert errors[6] == ""
    assert "与第 6 行的单位名称或类别不一致" in errors[7]
    assert "对应了不同的单位代码" in errors[8]


def test_context_is_read_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    few = read([MEMBER_HEADERS, *[member_row(n) for n in range(3)]])
    many = read([MEMBER_HEADERS, *[member_row(n) for n in range(300)]])
    for rows in (few, many):
        with django_assert_num_queries(3):
            imports.load_context(world.committee, Kind.MEMBERS, rows)


def test_template_workbooks_have_the_headers(db):
    for kind, expected in ((Kind.MEMBERS, MEMBER_HEADERS), (Kind.UNITS, UNIT_HEADERS)):
        workbook = load_workbook(io.BytesIO(imports.template_workbook(kind, ["S01 经济界"])))
        header = [c.value for c in workbook.worksheets[0][1]]
        assert header == expected
        assert len(workbook.worksheets) == 2  # the instructions


# ------------------------------------------------------------------ writing


def test_provision_many_writes_members_and_units_with_initial_passwords(world):
    rows = [
        *[r.data for r in checked(world, [MEMBER_HEADERS, member_row(1), member_row(2)])],
        *[
            r.data
            for r in checked(
                world,
                [UNIT_HEADERS, unit_row("NEW1", "新建局", "u1"), unit_row("NEW1", "新建局", "u2")],
                Kind.UNITS,
            )
        ],
    ]
    created = services.provision_many(world.admin, rows)
    assert [u.username for u, _pw in created] == ["imp1", "imp2", "u1", "u2"]
    for user, password in created:
        assert user.check_password(password) and len(password) == 12
    member = Member.objects.get(user__username="imp1")
    assert (member.committee, member.sector, member.number, member.party) == (
        world.committee,
        world.sector,
        "N001",
        "民盟",
    )
    unit = HandlingUnit.objects.get(committee=world.committee, code="NEW1")
    assert set(unit.contacts.values_list("username", flat=True)) == {"u1", "u2"}
    assert roles_of(User.objects.get(username="u1")) == {Role.UNIT}


def test_a_failure_on_the_last_row_rolls_every_row_back(world):
    rows = [
        r.data
        for r in checked(
            world,
            [UNIT_HEADERS, unit_row("NEW1", "新建局", "u1"), unit_row("NEW2", "另一局", "u2")],
            Kind.UNITS,
        )
    ]
    # Someone takes the last username between the check and the write.
    UserFactory(username="U2", committee=world.committee)
    users, units = User.objects.count(), HandlingUnit.objects.count()
    with pytest.raises(services.ImportRowError, match="第 3 行：用户名已被使用") as caught:
        services.provision_many(world.admin, rows)
    assert caught.value.line == 3
    assert (User.objects.count(), HandlingUnit.objects.count()) == (users, units)


def test_only_administrators_provision_many(world):
    with pytest.raises(NotPermitted):
        services.provision_many(world.staff, [])
