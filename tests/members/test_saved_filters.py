"""常用筛选: a user saves a list's filters under a name and finds them above that list."""

from __future__ import annotations

from django.contrib.messages import get_messages

from members.models import SavedFilter
from tests import flows
from tests.helpers import logged_in

QUERY = "state=submitted&state=under_review&category=social"


def saved_chips(page: str) -> str:
    start = page.find('class="chips saved-filters"')
    return page[start : page.find("</ul>", start)] if start != -1 else ""


def test_save_apply_and_delete_a_filter(client, world):
    flows.confirmed(world, title="社会类待审查", category="social")
    logged_in(client, world.staff)
    page = client.get(f"/proposals/?{QUERY}&page=1").content.decode()
    assert 'name="query" value="state=submitted&amp;state=under_review&amp;category=social"' in page
    answer = client.post(
        "/people/filters/",
        {"path": "/proposals/", "query": f"{QUERY}&page=3", "name": "社会类审查"},
    )
    assert answer.status_code == 302 and answer.url == f"/proposals/?{QUERY}"
    saved = SavedFilter.objects.get(user=world.staff)
    assert (saved.path, saved.name, saved.query) == ("/proposals/", "社会类审查", QUERY)

    chips = saved_chips(client.get("/proposals/").content.decode())
    assert f'href="/proposals/?{QUERY.replace("&", "&amp;")}">社会类审查</a>' in chips
    assert "社会类待审查" in client.get(saved.get_absolute_url()).content.decode()
    # Saving again under the same name replaces it; nobody else sees or deletes it.
    client.post(
        "/people/filters/", {"path": "/proposals/", "query": "key=true", "name": "社会类审查"}
    )
    assert SavedFilter.objects.get(user=world.staff).query == "key=true"
    other = logged_in(client.__class__(), world.member.user)
    assert saved_chips(other.get("/proposals/").content.decode()) == ""
    assert other.post(f"/people/filters/{saved.pk}/delete/").status_code == 404
    assert client.post(f"/people/filters/{saved.pk}/delete/").url == "/proposals/"
    assert not SavedFilter.objects.exists()


def test_bad_saves_are_refused_with_a_message(client, world):
    logged_in(client, world.staff)
    for data, text in (
        ({"path": "/proposals/", "query": QUERY, "name": ""}, "请为常用筛选起个名字"),
        ({"path": "/proposals/", "query": QUERY, "name": "长" * 41}, "不能超过 40 个字"),
        ({"path": "/proposals/", "query": "page=2", "name": "空"}, "当前没有筛选条件"),
        ({"path": "/admin/", "query": QUERY, "name": "后台"}, "只能保存提案列表和办理工作台的筛选"),
        ({"path": "https://evil.example/", "query": QUERY, "name": "外站"}, "只能保存"),
    ):
        answer = client.post("/people/filters/", data)
        assert answer.status_code == 302 and answer.url.startswith("/"), data
        assert text in [str(m) for m in get_messages(answer.wsgi_request)][-1], data
    assert not SavedFilter.objects.exists()
    assert client.get("/people/filters/").status_code == 405
