"""The account import pages: upload → preview (nothing written) → confirm (all or none)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from committees.models import HandlingUnit
from cppcc.errors import DomainError
from members import services
from members.models import Member, User
from tests.factories import UserFactory
from tests.members.test_import import MEMBER_HEADERS, UNIT_HEADERS, member_row, unit_row, xlsx

URL = "/people/import/"


def upload(client, rows: list[list], kind: str = "members", name: str = "名单.xlsx"):
    file = SimpleUploadedFile(name, xlsx(rows))
    return client.post(URL, {"kind": kind, "file": file})


def token(page: str) -> str:
    marker = 'name="token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Member.objects.count(), HandlingUnit.objects.count()


@pytest.mark.parametrize("who", ["staff", "supervisor", "lead_handler"])
def test_only_administrators_may_import(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}template/members/").status_code == 403
    assert upload(client, [MEMBER_HEADERS, member_row(1)]).status_code == 403
    assert client.post(f"{URL}confirm/", {"token": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_preview_shows_row_errors_and_writes_nothing(admin_client, world):
    before = counts()
    response = upload(
        admin_client,
        [
            MEMBER_HEADERS,
            member_row(1),
            member_row(2, 界别="不存在界"),
            member_row(3, 用户名="imp1"),
        ],
    )
    assert response.status_code == 302
    page = admin_client.get(URL).content.decode()
    assert "有 2 行存在错误" in page
    assert "界别“不存在界”不存在" in page and "用户名与第 2 行重复" in page
    assert 'name="token"' not in page  # no confirm button
    assert counts() == before


def test_confirm_writes_every_member_with_user_group_and_sector(admin_client, world):
    upload(admin_client, [MEMBER_HEADERS, member_row(1), member_row(2)])
    page = admin_client.get(URL).content.decode()
    assert "所有行检查通过" in page
    response = admin_client.post(f"{URL}confirm/", {"token": token(page)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    done = response.content.decode()
    members = Member.objects.filter(number__in=["N001", "N002"]).select_related("user", "sector")
    assert len(members) == 2
    for member in members:
        assert member.sector == world.sector and member.committee == world.committee
        assert list(member.user.groups.values_list("name", flat=True)) == ["member"]
        # The initial password is shown once and works.
        password = done.split(f"<td>{member.user.username}</td>")[1].split("<code>")[1][:12]
        assert member.user.check_password(password)
    # The pending import is gone: a second confirm writes nothing more.
    again = admin_client.post(f"{URL}confirm/", {"token": token(page)})
    assert again.status_code == 302 and Member.objects.filter(number="N001").count() == 1


def test_confirm_creates_unit_accounts_and_missing_units(admin_client, world):
    upload(
        admin_client,
        [
            UNIT_HEADERS,
            unit_row(world.units[0].code, world.units[0].name, "old1"),
            unit_row("NEW1", "新建局", "new1", 职务="分管领导"),
            unit_row("NEW1", "新建局", "new2"),
        ],
        kind="units",
    )
    page = admin_client.get(URL).content.decode()
    assert "将新建以下承办单位：新建局" in page
    assert admin_client.post(f"{URL}confirm/", {"token": token(page)}).status_code == 200
    unit = HandlingUnit.objects.get(committee=world.committee, code="NEW1")
    assert unit.kind == HandlingUnit.Kind.MUNICIPAL_DEPARTMENT
    leader = User.objects.get(username="new1")
    assert (leader.unit, leader.unit_position) == (unit, User.UnitPosition.LEADER)
    assert User.objects.get(username="old1").unit == world.units[0]


def test_confirm_writes_nothing_when_the_last_row_fails_at_write_time(
    admin_client, world, monkeypatch
):
    upload(
        admin_client,
        [UNIT_HEADERS, unit_row("NEW1", "新建局", "a1"), unit_row("NEW2", "新二局", "a2")],
        kind="units",
    )
    page = admin_client.get(URL).content.decode()
    before = counts()
    real = services.provision_user

    def fail_on_second(actor, data):
        if data["username"] == "a2":
            raise DomainError("用户名已被使用。", field="username")
        return real(actor, data)

    monkeypatch.setattr(services, "provision_user", fail_on_second)
    response = admin_client.post(f"{URL}confirm/", {"token": token(page)}, follow=True)
    assert "未导入任何内容：第 3 行：用户名已被使用" in response.content.decode()
    assert counts() == before  # the first row's user and both units were rolled back


def test_confirm_checks_again_against_the_database(admin_client, world):
    upload(admin_client, [MEMBER_HEADERS, member_row(1), member_row(2)])
    page = admin_client.get(URL).content.decode()
    UserFactory(username="imp2", committee=world.committee)  # taken meanwhile
    before = counts()
    response = admin_client.post(f"{URL}confirm/", {"token": token(page)}, follow=True)
    text = response.content.decode()
    assert "未导入任何内容" in text and "用户名 imp2 已被使用" in text
    assert counts() == before


def test_confirm_refuses_a_stale_token_and_a_tampered_session(admin_client, world):
    upload(admin_client, [MEMBER_HEADERS, member_row(1)])
    before = counts()
    stale = admin_client.post(f"{URL}confirm/", {"token": "other"}, follow=True)
    assert "待导入的内容已变化" in stale.content.decode()
    session = admin_client.session
    session["members_import"] = session["members_import"][:-3] + "xyz"
    session.save()
    tampered = admin_client.post(f"{URL}confirm/", {"token": "x"}, follow=True)
    assert "没有待导入的内容" in tampered.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"a,b\n", "名单.csv", "可上传：Excel（.xlsx）"),
        (b"garbage", "名单.xlsx", "不支持文件“名单.xlsx”的格式"),
        (xlsx([["姓名"], ["张三"]]), "名单.xlsx", "缺少列"),
    ],
)
def test_bad_files_get_a_clear_message_next_to_the_field(admin_client, content, name, message):
    response = admin_client.post(
        URL, {"kind": "members", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200 and message in response.content.decode()


def test_too_large_files_are_refused(admin_client, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "import": 0}
    response = upload(admin_client, [MEMBER_HEADERS, member_row(1)])
    assert response.status_code == 200 and "上限为 0 MB" in response.content.decode()


def test_cancel_drops_the_pending_import(admin_client, world):
    upload(admin_client, [MEMBER_HEADERS, member_row(1)])
    admin_client.post(f"{URL}cancel/")
    assert "确认导入" not in admin_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("kind", "headers"), [("members", MEMBER_HEADERS), ("units", UNIT_HEADERS)]
)
def test_template_downloads_open_with_openpyxl(admin_client, world, kind, headers):
    response = admin_client.get(f"{URL}template/{kind}/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == headers
    if kind == "members":
        notes = " ".join(str(c.value) for row in workbook.worksheets[1].iter_rows() for c in row)
        assert world.sector.name in notes
    assert admin_client.get(f"{URL}template/other/").status_code == 404


def test_preview_page_queries_do_not_grow_with_rows(
    admin_client, world, django_assert_max_num_queries
):
    for n in (2, 60):
        upload(admin_client, [MEMBER_HEADERS, *[member_row(i) for i in range(n)]])
        with django_assert_max_num_queries(8):
            page = admin_client.get(URL)
        assert page.status_code == 200
