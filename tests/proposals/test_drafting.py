"""Drafting: who may write, input errors, co-signers and attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from proposals.models import ProposalEvent
from proposals.services import drafting
from tests import flows
from tests.factories import MemberFactory


def test_only_members_and_collective_contacts_write(world):
    for user in (world.staff, world.lead_handler, world.supervisor):
        with pytest.raises(NotPermitted):
            drafting.create_draft(user, {"title": "x", "category": "social"})


def test_bad_input_names_the_field(world):
    cases = [
        ({"title": "  ", "category": "social"}, "title"),
        ({"title": "标题", "category": "sports"}, "category"),
        ({"title": "标题" * 120, "category": "social"}, "title"),
    ]
    for data, field in cases:
        with pytest.raises(DomainError) as err:
            drafting.create_draft(world.member.user, data)
        assert err.value.field == field
    assert not ProposalEvent.objects.exists()


def test_cosigners_must_be_active_members_of_the_committee(world):
    from tests.factories import World

    stranger = World.build(prefix="外").member
    with pytest.raises(DomainError) as err:
        drafting.create_draft(
            world.member.user, {"title": "t", "category": "social"}, cosigners=[stranger.pk]
        )
    assert err.value.field == "cosigners"
    with pytest.raises(DomainError):
        drafting.create_draft(
            world.member.user, {"title": "t", "category": "social"}, cosigners=[world.member.pk]
        )


def test_submit_needs_suggestions(world):
    p = flows.draft(world, suggestions="")
    with pytest.raises(InvalidTransition, match="具体建议"):
        drafting.submit(world.member.user, p, today=flows.DAY)


def test_edit_cosigners_in_draft(world):
    p = flows.draft(world)
    extra = MemberFactory(committee=world.committee)
    drafting.update_draft(world.member.user, p, {}, cosigners=[extra.pk])
    assert list(p.cosigners.values_list("member", flat=True)) == [extra.pk]
    event = p.events.last()
    assert event.data["changed"] == ["cosigners"]


def test_attachments_while_editable(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = flows.draft(world)
    upload = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = drafting.add_attachment(world.member.user, p, upload)
    assert attachment.name == "调研报告.pdf" and attachment.file.read() == b"%PDF-1.4 test"
    drafting.submit(world.member.user, p, today=flows.DAY)
    with pytest.raises(InvalidTransition):
        drafting.add_attachment(
            world.member.user, p, SimpleUploadedFile("b.txt", b"x", content_type="text/plain")
        )
    assert p.attachments.count() == 1


def test_withdraw_is_refused_after_filing(world):
    p = flows.filed(world)
    with pytest.raises(InvalidTransition):
        drafting.withdraw(world.member.user, p)


def test_saving_without_changes_leaves_no_trace(world):
    p = flows.draft(world)
    version, events = p.version, p.events.count()
    drafting.update_draft(world.member.user, p, {"title": p.title}, expected_version=version)
    p.refresh_from_db()
    assert (p.version, p.events.count()) == (version, events)
    drafting.update_draft(world.member.user, p, {"title": "新的案由"}, expected_version=version)
    p.refresh_from_db()
    assert (p.version, p.events.count()) == (version + 1, events + 1)
