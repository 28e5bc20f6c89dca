"""Pages of the text model: similar proposals while writing and on the proposal page
(with a pre-filled merge), suggested units in the assign panel, the merge queue."""

from __future__ import annotations

import re

import pytest

from proposals.models import MergeDismissal
from tests import flows
from tests.helpers import logged_in
from tests.proposals.text.corpus import (
    ELDERLY,
    ELDERLY_AGAIN,
    SCHOOLS,
    assigned_to,
    train,
    written,
)

pytestmark = pytest.mark.django_db


def test_the_form_shows_similar_proposals_from_the_fragment(client, world):
    answered = flows.replied(world, classification="A", cosigners=False, **ELDERLY)
    train()
    page = logged_in(client, world.other_member.user)
    form = page.get("/proposals/new/").content.decode()
    assert 'data-similar="/proposals/similar/"' in form and "js/similar.js" in form
    fragment = page.get("/proposals/similar/", {"text": ELDERLY_AGAIN["background"]})
    html = fragment.content.decode()
    assert answered.title in html and "答复（A 类）" in html
    assert f'href="{answered.get_absolute_url()}"' not in html  # shown, not opened
    assert page.get("/proposals/similar/", {"text": "数字经济"}).content.decode().strip() == ""


def test_staff_see_similar_proposals_and_merge_in_one_click(client, world):
    first = written(world, ELDERLY)
    twin = written(world, ELDERLY_AGAIN)
    written(world, SCHOOLS)
    train()
    staff = logged_in(client, world.staff)
    page = staff.get(twin.get_absolute_url()).content.decode()
    assert 'id="similar"' in page and first.title in page
    assert f'href="?merge_into={first.pk}#act-merge"' in page
    prefilled = staff.get(twin.get_absolute_url(), {"merge_into": first.pk}).content.decode()
    assert re.search(r'<details class="action action-merge" id="act-merge" open>', prefilled)
    assert re.search(rf'<option value="{first.pk}" selected>', prefilled)
    done = staff.post(f"/proposals/{twin.pk}/act/merge/", {"merge-into": first.pk})
    assert done.status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into == first


def test_the_assign_panel_suggests_units_with_reasons(client, world):
    past = assigned_to(world, ELDERLY, world.units[2])
    p = flows.filed(world, cosigners=False, **ELDERLY_AGAIN)
    train()
    staff = logged_in(client, world.staff)
    page = staff.get(p.get_absolute_url()).content.decode()
    panel = page[page.index('id="suggested-units"') :]
    assert f'href="?lead={world.units[2].pk}#act-assign"' in panel
    assert past.title in panel and "在办 1 件" in panel and "超期 1 件" in panel
    assert "建议类别：社会建设" in panel
    prefilled = staff.get(p.get_absolute_url(), {"lead": world.units[2].pk}).content.decode()
    assert re.search(rf'<option value="{world.units[2].pk}" selected>', prefilled)


def test_the_merge_queue_groups_twins_and_remembers_a_dismissal(client, world):
    first, twin = written(world, ELDERLY), written(world, ELDERLY_AGAIN)
    written(world, SCHOOLS)
    train()
    staff = logged_in(client, world.staff)
    page = staff.get("/proposals/merge-suggestions/").content.decode()
    assert page.count('class="card merge-group"') == 1
    assert f"{twin.get_absolute_url()}?merge_into={first.pk}#act-merge" in page
    back = staff.post(
        "/proposals/merge-suggestions/dismiss/",
        {"proposals": [first.pk, twin.pk], "session": world.session.pk},
    )
    assert back.status_code == 302 and back.url.endswith(f"?session={world.session.pk}")
    dismissal = MergeDismissal.objects.get()
    assert (dismissal.first, dismissal.second, dismissal.dismissed_by) == (first, twin, world.staff)
    assert "暂无并案建议" in staff.get("/proposals/merge-suggestions/").content.decode()


def test_the_merge_queue_is_for_staff(client, world):
    member = logged_in(client, world.member.user)
    assert member.get("/proposals/merge-suggestions/").status_code == 403
    p, q = written(world, ELDERLY), written(world, ELDERLY_AGAIN)
    refused = member.post("/proposals/merge-suggestions/dismiss/", {"proposals": [p.pk, q.pk]})
    assert refused.status_code == 403 and not MergeDismissal.objects.exists()
