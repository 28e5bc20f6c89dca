"""Form errors in a real browser: shown next to the field, input kept, nothing saved."""

from __future__ import annotations

import pytest

from proposals.models import Proposal
from tests import flows
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_form_errors_are_shown_and_nothing_is_lost(sessions):
    w = World.build()

    # An empty title: the error sits next to the field and the typed text stays.
    member = sessions(w.member.user)
    page = member.go("/proposals/new/")
    page.select_option("#id_category", "economic")
    page.fill("#id_suggestions", "我写了很长的建议，不能丢。")
    page.click("button[name=save]")
    title_field = page.locator(".field.has-error", has=page.locator("#id_title"))
    assert title_field.locator(".error").inner_text()
    assert page.input_value("#id_suggestions") == "我写了很长的建议，不能丢。"
    assert not Proposal.objects.exists()

    # Review before every co-signer confirmed: refused with the reason, state unchanged.
    proposal = flows.submitted(w)
    staff = sessions(w.staff)
    page = staff.go(proposal.get_absolute_url())
    assert page.locator("details.action-review").count() == 0  # not offered yet
    page = staff.go("/proposals/?state=submitted")
    assert proposal.title in page.inner_text("main")
    member.go(proposal.get_absolute_url())
    assert member.page.locator("details.action-remove_cosigner").count() == 1

    # A reply without a class: the error is on the class field; the content is kept.
    assigned = flows.assigned(w, with_co=False, title="需要答复的提案")
    lead = flows.lead_assignment(assigned)
    from proposals.services import handling

    handling.accept(w.lead_handler, lead, today=flows.DAY)
    unit = sessions(w.lead_handler)
    page = unit.go(assigned.get_absolute_url())
    page.click("details.action-reply > summary")
    page.fill(f"#id_a{lead.pk}-reply-content", "答复正文")
    page.click("details.action-reply button[name=go]")
    reply_class = page.locator(
        ".field.has-error", has=page.locator(f"#id_a{lead.pk}-reply-classification")
    )
    assert reply_class.locator(".error").inner_text()
    assert page.input_value(f"#id_a{lead.pk}-reply-content") == "答复正文"
    assigned.refresh_from_db()
    assert assigned.state == "assigned" and not lead.replies.exists()
    unit.screenshot("unit-reply-error")
