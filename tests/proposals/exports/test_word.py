"""Word documents: a proposal in the usual form, a reply letter, and a session's
compilation with a table of contents — opened again with python-docx."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from proposals.choices import Category
from proposals.exports import sources
from proposals.exports.word import compilation_docx, meeting_name
from proposals.models import Reply
from tests import flows
from tests.factories import World
from tests.proposals.exports.data import bulk_filed
from tests.proposals.exports.helpers import document, form, texts

pytestmark = pytest.mark.django_db

MEETING = "政协太原市第十四届委员会第二次会议"


def east_asian_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_meeting_names(world):
    assert meeting_name(world.committee, world.session) == MEETING
    world.committee.name = "中国人民政治协商会议某市委员会"
    assert (
        meeting_name(world.committee, world.session)
        == "中国人民政治协商会议某市委员会十四届二次会议"
    )


# ---- a proposal -----------------------------------------------------------------------------


def test_proposal_in_the_usual_form(client, world):
    p = flows.assigned(world, title="关于发展数字经济的提案", background="第一段。\n第二段。")
    client.force_login(world.staff)
    response = client.get(f"/exports/proposals/{p.pk}.docx")
    doc = document(response)
    assert "filename*=utf-8''" in response["Content-Disposition"]  # 提案-<number>.docx
    title = doc.paragraphs[0]
    assert title.text == f"{MEETING}提案" and title.style.name == "Title"
    cells = form(doc)
    assert cells["案号"] == p.number
    assert cells["案由"] == "关于发展数字经济的提案"
    assert cells["提案人"] == str(world.member.user)
    assert cells["联名人"] == world.cosigner.name
    assert cells["界别"] == "经济界" and cells["类别"] == "经济建设"
    assert cells["承办单位"] == f"主办：{world.units[0].name}；会办：{world.units[1].name}"
    assert texts(doc, "Heading 1") == ["情况分析", "具体建议"]
    body = texts(doc)
    assert body[body.index("情况分析") + 1 : body.index("具体建议")] == ["第一段。", "第二段。"]
    # Chinese fonts on the styles, so Word does not fall back to a Latin font.
    assert east_asian_font(doc.styles["Normal"]) == "仿宋"
    assert east_asian_font(doc.styles["Heading 1"]) == "黑体"
    assert doc.sections[0].page_width.cm == pytest.approx(21, abs=0.01)  # A4


def test_a_collective_proposal_names_the_organization(client, world):
    from proposals.services import drafting

    p = drafting.create_draft(
        world.collective,
        {"title": "集体提案", "category": "social", "suggestions": "建议"},
        organization=world.organization,
        today=flows.DAY,
    )
    client.force_login(world.collective)
    cells = form(document(client.get(f"/exports/proposals/{p.pk}.docx")))
    assert cells["提案人"] == f"{world.organization.name}（集体提案）"
    assert cells["案号"] == "（未立案）" and cells["承办单位"] == "—"


@pytest.mark.parametrize("who", ["other_member", "other_handler", "anonymous"])
def test_only_those_who_see_a_proposal_download_it(client, world, who):
    p = flows.assigned(world)
    if who == "anonymous":
        response = client.get(f"/exports/proposals/{p.pk}.docx")
        assert response.status_code == 302
        return
    person = getattr(world, who)
    client.force_login(getattr(person, "user", person))
    assert client.get(f"/exports/proposals/{p.pk}.docx").status_code == 404


def test_nobody_downloads_another_members_draft(client, world):
    draft = flows.draft(world)
    client.force_login(world.staff)
    assert client.get(f"/exports/proposals/{draft.pk}.docx").status_code == 404
    client.force_login(world.member.user)
    assert client.get(f"/exports/proposals/{draft.pk}.docx").status_code == 200


# ---- a reply letter -------------------------------------------------------------------------


def test_reply_letter(client, world):
    p = flows.replied(world, classification="A")
    reply = Reply.objects.get(assignment__proposal=p)
    Reply.objects.filter(pk=reply.pk).update(
        signed_by="王局长", content="一、已落实。\n二、将推进。"
    )
    client.force_login(world.member.user)
    doc = document(client.get(f"/exports/replies/{reply.pk}.docx"))
    lines = texts(doc)
    unit = world.units[0].name
    assert lines[0] == "（A类）" and lines[1] == "签发人：王局长" and lines[2] == unit
    title = f"关于{MEETING}第{p.number}号提案的答复"
    assert texts(doc, "Title") == [title]
    assert f"{world.member.user}委员：" in lines
    assert lines.index("一、已落实。") + 1 == lines.index("二、将推进。")
    assert lines[-3:] == [unit, "2025年3月10日", f"抄送：{world.committee.name}提案委员会"]


def test_reply_letters_follow_the_proposals_visibility(client, world):
    p = flows.replied(world)
    reply = Reply.objects.get(assignment__proposal=p)
    for person, status in [
        (world.staff, 200),
        (world.lead_handler, 200),
        (world.co_handler, 200),  # the co-unit sees the proposal, so its reply too
        (world.other_handler, 404),
        (world.other_member.user, 404),
    ]:
        client.force_login(person)
        assert client.get(f"/exports/replies/{reply.pk}.docx").status_code == status, person


def test_detail_page_links_the_word_downloads(client, world):
    p = flows.replied(world)
    reply = Reply.objects.get(assignment__proposal=p)
    client.force_login(world.member.user)
    page = client.get(p.get_absolute_url()).content.decode()
    assert f'href="/exports/proposals/{p.pk}.docx"' in page
    assert f'href="/exports/replies/{reply.pk}.docx"' in page


# ---- a compilation --------------------------------------------------------------------------


def compile_session(w: World):
    rows = sources.compilation(w.staff, w.session)
    seen: list[int] = []
    doc = compilation_docx(w.session, rows.iterator(chunk_size=3), progress=seen.append)
    out = io.BytesIO()
    doc.save(out)
    return docx.Document(io.BytesIO(out.getvalue())), seen


def test_compilation_has_a_toc_and_each_filed_proposal(world):
    bulk = bulk_filed(world, 7)  # categories cycle: 经济, 政治, 文化, 社会, 生态, 经济, 政治
    flows.submitted(world, title="未立案的提案")  # not filed: not in the book
    doc, seen = compile_session(world)
    assert seen == list(range(1, 8))
    assert texts(doc, "Heading 1") == [
        "经济建设类",
        "政治建设类",
        "文化建设类",
        "社会建设类",
        "生态文明建设类",
    ]
    order = {category: i for i, category in enumerate(Category.values)}
    by_category = sorted(bulk, key=lambda p: (order[p.category], p.sequence))
    proposals = [f"{p.number}　{p.title}" for p in by_category]
    headings = texts(doc, "Heading 2")
    assert headings == proposals  # by category, then by number
    assert by_category[1].category == "economic" and by_category[1].sequence == 6
    assert "未立案的提案" not in "".join(texts(doc))
    # The table of contents: a real TOC field whose cached result is the plain list.
    xml = doc.element.xml
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    assert xml.count('w:fldCharType="begin"') == 1 and 'w:dirty="true"' in xml
    assert texts(doc, "toc 1") == texts(doc, "Heading 1")
    assert texts(doc, "toc 2") == headings
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    # Cover, each proposal's form, and page breaks between proposals.
    lines = texts(doc)
    assert MEETING in lines and "提案汇编" in lines and "共 7 件" in lines
    assert len(doc.tables) == 7 and form(doc, 0)["案号"] == by_category[0].number
    heading_paragraphs = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    # The first proposal of a category follows its heading; every other starts a page.
    assert [p.paragraph_format.page_break_before for p in heading_paragraphs[:3]] == [
        False,
        True,
        False,
    ]
    category_breaks = [
        p.paragraph_format.page_break_before for p in doc.paragraphs if p.style.name == "Heading 1"
    ]
    assert category_breaks == [False, True, True, True, True]
    assert "TOC Heading" in {p.style.name for p in doc.paragraphs}


def test_an_empty_session_still_makes_a_book(world):
    doc, seen = compile_session(world)
    assert seen == [] and "共 0 件" in texts(doc)
    assert texts(doc, "toc 1") == ["（本次会议暂无立案提案）"]
    assert 'TOC \\o "1-2"' in doc.element.xml


def test_control_characters_do_not_break_the_document(client, world):
    p = flows.draft(world, title="带\x0b控制字符的案由", suggestions="一行\x07\n二行")
    client.force_login(world.member.user)
    doc = document(client.get(f"/exports/proposals/{p.pk}.docx"))
    assert form(doc)["案由"] == "带控制字符的案由"
    assert "一行" in texts(doc) and "二行" in texts(doc)
