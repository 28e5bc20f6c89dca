"""Attachments and reply letters over the API: upload, read back, download, delete —
each file refused unless its content is an office document, and served only to those who
may see the proposal."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from proposals.models import Attachment, Proposal, Reply
from tests import flows
from tests import sample_files as files
from tests.api.conftest import errors_of

API = "/api/v1/proposals"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def attach(client, proposal: Proposal, upload):
    return client.post(f"{API}/{proposal.pk}/attachments/", {"file": upload}, format="multipart")


def assert_download(response, content: bytes, content_type: str, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content


def test_attach_read_back_download_and_delete(
    world, as_user, media, django_capture_on_commit_callbacks
):
    p = flows.draft(world)
    member = as_user(world.member.user)
    response = attach(member, p, files.pdf("调研报告.pdf"))
    assert response.status_code == 201, response.data
    url = response.data["download_url"]
    assert url.startswith(f"http://testserver{API}/{p.pk}/attachments/")
    assert (response.data["name"], response.data["content_type"]) == (
        "调研报告.pdf",
        "application/pdf",
    )
    assert member.get(f"{API}/{p.pk}/").data["attachments"] == [response.data]
    assert_download(member.get(url), files.PDF, "application/pdf", "调研报告.pdf")
    [stored] = stored_files(media)
    assert "调研报告" not in str(stored)  # a generated name on disk

    with django_capture_on_commit_callbacks(execute=True):
        assert member.delete(url).status_code == 204
    assert not Attachment.objects.exists() and stored_files(media) == []
    assert [e.message for e in p.events.order_by("id")][-2:] == [
        "上传附件 调研报告.pdf",
        "删除附件 调研报告.pdf",
    ]


@pytest.mark.parametrize(("name", "content"), files.REFUSED)
def test_refused_uploads_name_the_field_and_store_nothing(world, as_user, media, name, content):
    p = flows.draft(world)
    errors = errors_of(attach(as_user(world.member.user), p, files.upload(name, content)))
    assert f"不支持文件“{name}”的格式" in errors["file"][0]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_oversize_upload_says_the_limit_and_stores_nothing(world, as_user, media, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "attachment": 1}
    p = flows.draft(world)
    big = files.upload("大报告.pdf", files.PDF + b"0" * 1024 * 1024)
    errors = errors_of(attach(as_user(world.member.user), p, big))
    assert "上限为 1 MB" in errors["file"][0]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_others_cannot_attach_delete_or_download(world, as_user, elsewhere):
    p = flows.draft(world)
    attachment = Attachment.objects.get(
        pk=attach(as_user(world.member.user), p, files.pdf()).data["id"]
    )
    url = f"{API}/{p.pk}/attachments/{attachment.pk}/"
    for outsider in (world.other_member.user, world.staff, elsewhere.staff):
        client = as_user(outsider)
        assert client.get(url).status_code == 404  # a draft is the proposer's own
        assert client.delete(url).status_code == 404
        assert attach(client, p, files.pdf()).status_code == 404
    assert as_user(world.member.user).get(f"{API}/{p.pk}/attachments/0/").status_code == 404
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(("name", "content"), files.REFUSED)
def test_a_refused_reply_letter_leaves_no_reply(world, as_user, media, name, content):
    lead = flows.lead_assignment(flows.ready_to_reply(world))
    refused = as_user(world.lead_handler).post(
        f"/api/v1/assignments/{lead.pk}/reply/",
        {"classification": "A", "content": "已采纳", "attachment": files.upload(name, content)},
    )
    assert f"不支持文件“{name}”的格式" in errors_of(refused)["attachment"][0]
    assert not Reply.objects.exists() and stored_files(media) == []


def test_reply_letter_is_stored_and_served_to_who_sees_the_proposal(world, as_user, elsewhere):
    p = flows.ready_to_reply(world)
    lead = flows.lead_assignment(p)
    unit = as_user(world.lead_handler)
    reply_url = f"/api/v1/assignments/{lead.pk}/reply/"
    body = {"classification": "A", "content": "已采纳"}
    letter = files.pdf("关于第27号提案的答复.pdf")
    assert unit.post(reply_url, {**body, "attachment": letter}).status_code == 200
    [reply] = as_user(world.member.user).get(f"{API}/{p.pk}/").data["replies"]
    assert reply["attachment_name"] == "关于第27号提案的答复.pdf"
    url = reply["attachment"]
    assert url.startswith(f"http://testserver/api/v1/assignments/{lead.pk}/replies/")
    for reader in (world.member.user, world.staff, world.lead_handler):
        response = as_user(reader).get(url)
        assert_download(response, files.PDF, "application/pdf", "关于第27号提案的答复.pdf")
    for outsider in (world.other_member.user, elsewhere.staff, elsewhere.lead_handler):
        assert as_user(outsider).get(url).status_code == 404


def test_a_body_over_every_upload_limit_is_refused_before_it_is_read(world, as_user, client):
    p = flows.draft(world)
    huge = {"CONTENT_LENGTH": str(200 * 1024 * 1024)}
    api = as_user(world.member.user).post(
        f"{API}/{p.pk}/attachments/", {"file": files.pdf()}, format="multipart", **huge
    )
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    assert "提交的内容过大" in api.json()["detail"]
    client.force_login(world.member.user)
    page = client.post(f"/proposals/{p.pk}/attachments/", {"file": files.pdf()}, **huge)
    assert page.status_code == 413 and "提交的内容过大" in page.content.decode()
    assert not Attachment.objects.exists()
