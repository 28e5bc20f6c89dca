"""Similar proposals in Chromium, at a desktop size and a phone size: a member typing a
title close to an answered proposal sees it (with its reply) after a pause; staff open
the merge queue, follow its suggestion to the pre-filled merge panel and merge."""

from __future__ import annotations

import pytest

from proposals.models import Proposal
from proposals.text import routing
from tests import flows
from tests.browser.conftest import DESKTOP, PHONE, state_of
from tests.factories import World
from tests.proposals.text.corpus import ELDERLY, ELDERLY_AGAIN, SCHOOLS, written

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_member_sees_a_like_proposal_while_typing_and_staff_merge_from_the_queue(sessions, size):
    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    w = World.build()
    answered = flows.replied(w, classification="A", cosigners=False, **ELDERLY)
    first = written(w, {**ELDERLY_AGAIN, "title": "关于发展社区嵌入式养老服务的提案"})
    twin = written(w, ELDERLY_AGAIN)
    written(w, SCHOOLS)
    routing.train()

    member = sessions(w.other_member.user, viewport)
    page = member.go("/proposals/new/")
    page.fill("#id_title", ELDERLY_AGAIN["title"])
    page.locator("#id_background").press_sequentially("老年人口持续增长，护理人员短缺", delay=20)
    item = page.locator("#similar .similar-item", has_text=answered.title)
    item.wait_for()
    assert "答复（A 类）" in item.inner_text()
    member.audit()
    member.screenshot(f"similar-while-writing-{size}")

    staff = sessions(w.staff, viewport)
    page = staff.go("/proposals/merge-suggestions/")
    staff.audit()
    group = page.locator(".merge-group", has_text=twin.title)
    group.get_by_role("link", name="并入主提案…").first.click()
    page.wait_for_selector("details#act-merge[open]")
    staff.audit()
    staff.screenshot(f"merge-from-suggestion-{size}")
    assert page.url.split("?")[0].endswith(twin.get_absolute_url())  # the later one goes
    assert page.locator("#id_merge-into").input_value() == str(first.pk)
    page.click(".action-merge button[name=go]")
    page.wait_for_selector(".messages")
    assert state_of(page) == "已并案"
    assert Proposal.objects.get(pk=twin.pk).merged_into_id == first.pk
