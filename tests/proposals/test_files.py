"""Attachments and reply letters in the browser: refused uploads explained on the page,
downloads only through the checked views (never a public /media/ URL)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from proposals.models import Attachment, Reply
from proposals.services import drafting
from tests import flows
from tests import sample_files as files
from tests.factories import World
from tests.helpers import logged_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def elsewhere(db) -> World:
    return World.build(prefix="x")


@pytest.mark.parametrize(("name", "content"), files.REFUSED)
def test_the_upload_form_refuses_with_a_message(client, world, media, name, content):
    p = flows.draft(world)
    page = logged_in(client, world.member.user).post(
        f"/proposals/{p.pk}/attachments/", {"file": files.upload(name, content)}, follow=True
    )
    assert f"不支持文件“{name}”的格式" in page.content.decode()
    assert not Attachment.objects.exists() and not media.exists()


@pytest.mark.parametrize(("name", "content"), files.REFUSED)
def test_the_reply_form_refuses_with_a_message(client, world, media, name, content):
    p = flows.ready_to_reply(world)
    lead = flows.lead_assignment(p)
    prefix = f"a{lead.pk}-reply"
    page = logged_in(client, world.lead_handler).post(
        f"/proposals/assignments/{lead.pk}/act/reply/",
        {
            f"{prefix}-classification": "A",
            f"{prefix}-content": "已采纳",
            f"{prefix}-attachment": files.upload(name, content),
        },
    )
    assert page.status_code == 200
    assert f"不支持文件“{name}”的格式" in page.content.decode()
    assert not Reply.objects.exists() and not media.exists()


def test_the_member_lists_downloads_and_deletes_attachments_on_the_edit_page(
    client, world, django_capture_on_commit_callbacks
):
    p = flows.draft(world)
    member = logged_in(client, world.member.user)
    member.post(f"/proposals/{p.pk}/attachments/", {"file": files.pdf("调研报告.pdf")})
    attachment = Attachment.objects.get()
    edit = member.get(f"/proposals/{p.pk}/edit/").content.decode()
    assert f'href="/proposals/attachments/{attachment.pk}/"' in edit and "/media/" not in edit
    with django_capture_on_commit_callbacks(execute=True):
        member.post(f"/proposals/{p.pk}/attachments/{attachment.pk}/delete/")
    assert not Attachment.objects.exists()
    assert not attachment.file.storage.exists(attachment.file.name)
    assert p.events.last().message == "删除附件 调研报告.pdf"


def test_downloads_answer_only_those_who_see_the_proposal(client, world, elsewhere):
    p = flows.draft(world)
    attachment = drafting.add_attachment(world.member.user, p, files.pdf("调研报告.pdf"))
    drafting.submit(world.member.user, p, today=flows.DAY)
    url = f"/proposals/attachments/{attachment.pk}/"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/?next=")
    for reader in (world.member.user, world.staff):
        response = logged_in(client, reader).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert quote("调研报告.pdf") in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment;")
    for outsider in (world.other_member.user, elsewhere.staff, elsewhere.member.user):
        assert logged_in(client, outsider).get(url).status_code == 404
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_reply_letters_download_through_their_view(client, world, elsewhere):
    p = flows.replied(world, "A", letter=files.upload("答复函.ofd", files.OFD))
    reply = Reply.objects.get(assignment__proposal=p)
    detail = logged_in(client, world.member.user).get(f"/proposals/{p.pk}/").content.decode()
    assert f'href="/proposals/replies/{reply.pk}/letter/"' in detail
    letter = client.get(f"/proposals/replies/{reply.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/ofd"
    assert (
        logged_in(client, elsewhere.staff).get(f"/proposals/replies/{reply.pk}/letter/").status_code
        == 404
    )


def test_behind_nginx_the_transfer_is_handed_over(client, world, settings):
    settings.FILES_ACCEL_REDIRECT_PREFIX = "/protected-files/"
    p = flows.draft(world)
    attachment = drafting.add_attachment(world.member.user, p, files.pdf("调研报告.pdf"))
    response = logged_in(client, world.member.user).get(f"/proposals/attachments/{attachment.pk}/")
    assert response["X-Accel-Redirect"] == f"/protected-files/{attachment.file.name}"
    assert response.content == b"" and response["Content-Type"] == "application/pdf"
    assert quote("调研报告.pdf") in response["Content-Disposition"]
