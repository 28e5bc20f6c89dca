"""/proposals/reassignment-requests/: staff decide there; units follow their own requests
and read the decision; supervisors read their committee's — the API's list, in a page."""

from __future__ import annotations

from proposals.services import handling
from tests import flows
from tests.helpers import logged_in

URL = "/proposals/reassignment-requests/"


def test_units_follow_their_requests_and_staff_decide_them(client, world, today):
    p = flows.assigned(world, with_co=False, on=today)
    request = handling.request_reassignment(
        world.lead_handler, flows.lead_assignment(p), "不属于本单位职责", today=today
    )
    decide = f'action="/proposals/reassignment-requests/{request.pk}/decide/"'
    staff_page = logged_in(client, world.staff).get(URL).content.decode()
    assert "不属于本单位职责" in staff_page and decide in staff_page

    handling.decide_reassignment(
        world.staff, request, approve=False, note="职责明确，请继续办理", today=today
    )
    unit_page = logged_in(client, world.lead_handler).get(URL).content.decode()
    assert "不属于本单位职责" in unit_page and "职责明确，请继续办理" in unit_page
    assert "已驳回" in unit_page and "decide/" not in unit_page
    assert f'href="{URL}"' in unit_page  # in the unit's navigation

    supervisor_page = logged_in(client, world.supervisor).get(URL).content.decode()
    assert "不属于本单位职责" in supervisor_page and "decide/" not in supervisor_page
    other_unit = logged_in(client, world.other_handler).get(URL).content.decode()
    assert "不属于本单位职责" not in other_unit and "暂无调整申请" in other_unit


def test_proposers_have_no_part_in_re_routing(client, world):
    assert logged_in(client, world.member.user).get(URL).status_code == 403


def test_the_proposal_page_links_staff_to_the_decision(client, world, today):
    """A pending request is decided in the queue: the proposal's page links there (it
    once looked for a form of its own and answered 500)."""
    p = flows.assigned(world, with_co=False, on=today)
    handling.request_reassignment(
        world.lead_handler, flows.lead_assignment(p), "不属于本单位职责", today=today
    )
    response = logged_in(client, world.staff).get(f"/proposals/{p.pk}/")
    assert response.status_code == 200
    assert f'class="button action-decide_reassignment" href="{URL}"' in response.content.decode()
