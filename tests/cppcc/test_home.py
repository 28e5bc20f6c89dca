"""The landing page and login."""

from tests import flows


def test_login_required_and_counts_follow_visibility(client, world):
    assert client.get("/").status_code == 302
    flows.submitted(world)
    flows.draft(world, title="另一份草稿")
    client.force_login(world.member.user)
    page = client.get("/").content.decode()
    assert "我可见的提案：2 件" in page
    client.force_login(world.staff)
    page = client.get("/").content.decode()
    assert "我可见的提案：1 件" in page  # staff do not see drafts


def test_login_page_logs_a_member_in(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and 'lang="zh-Hans"' in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": world.member.user.username, "password": "pw-test-123"}
    )
    assert response.status_code == 302 and response.url == "/"
    bad = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert "用户名或密码不正确" in bad.content.decode()
