"""The production shape, started as docker-compose.yml starts it: the image's build step
(collectstatic), then the web service's own command (migrate, gunicorn) with DEBUG=0 and
the documented production variables, on PostgreSQL — and used over HTTP from outside:
static files with long cache headers, the dashboard and the API docs in Chromium under
the CSP, and private files only for those who may see them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from django.conf import settings

from tests.chromium import SCREENSHOTS
from tests.cppcc.production import (
    PROXY,
    Deployment,
    database,
    deployed,
    free_port,
    production_env,
)
from tests.factories import PASSWORD

LONG_CACHE = "max-age=315360000"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, collected_static) -> Iterator[Deployment]:
    # Named after this run's database, so two runs with different DATABASE_URLs never meet.
    name = f"{settings.DATABASES['default']['NAME']}_production_shape"
    folder = tmp_path_factory.mktemp("production")
    port = free_port()
    with database(name):
        env = production_env(
            f"postgres://postgres@127.0.0.1:5432/{name}",
            STATIC_ROOT=str(collected_static),
            MEDIA_ROOT=str(folder / "media"),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
            # The test's browser speaks plain http to gunicorn while PROXY says https.
            CSRF_TRUSTED_ORIGINS=f"http://localhost:{port}",
        )
        with deployed(env, folder, "production_world:build") as running_deployment:
            yield running_deployment


def test_static_files_are_served_hashed_compressed_and_cached(deployment):
    page = deployment.get("/accounts/login/")
    assert page.status_code == 200 and 'lang="zh-hans"' in page.text.lower()
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    hrefs = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(re.search(r"/css/site\.[0-9a-f]{12}\.css$", h) for h in hrefs), hrefs
    assert any(re.search(r"/js/app\.[0-9a-f]{12}\.js$", h) for h in hrefs), hrefs
    for path in hrefs:
        response = deployment.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, path
        assert LONG_CACHE in response.headers["Cache-Control"], path
        assert response.headers["Content-Encoding"] in ("br", "gzip"), path
    # Not linked from the login page, but collected and served the same way.
    manifest = deployment.get("/static/staticfiles.json")
    assert manifest.status_code == 200
    paths = manifest.json()["paths"]
    for source in (
        "vendor/echarts/echarts.min.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ):
        response = deployment.get("/static/" + paths[source])
        assert response.status_code == 200 and LONG_CACHE in response.headers["Cache-Control"]


def test_the_dashboard_and_api_docs_work_in_chromium_under_the_csp(deployment, browser):
    context = browser.new_context(locale="zh-CN", extra_http_headers=PROXY)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(deployment.base + "/accounts/login/")
        page.fill("#id_username", deployment.world["staff"])
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(deployment.base + "/")
        page.goto(deployment.base + "/statistics/")
        page.wait_for_selector("[data-chart=chart-category] canvas")
        box = page.locator("[data-chart=chart-category]").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "production-dashboard.png"), full_page=True)
        page.goto(deployment.base + "/api/docs/")
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        assert errors == [], errors
    finally:
        context.close()


def test_private_files_go_only_to_those_who_may_see_them(deployment):
    world = deployment.world
    html = {
        "attachment": f"/proposals/attachments/{world['attachment']}/",
        "letter": f"/proposals/replies/{world['reply']}/letter/",
    }
    for path in html.values():
        anonymous = deployment.get(path)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/accounts/login/?next=")
    assert deployment.get("/media/").status_code == 404

    member = deployment.api_session(world["member"])
    names = {"attachment": "调研报告.pdf", "letter": "关于提案的答复.pdf"}
    urls = api_file_urls(deployment, member, world)
    for who in ("member", "staff"):
        session = deployment.api_session(world[who])
        for kind, url in urls.items():
            response = session.get(url, headers=PROXY, timeout=30)
            assert response.status_code == 200, (who, kind, response.text)
            assert response.headers["Content-Type"] == "application/pdf"
            assert quote(names[kind]) in response.headers["Content-Disposition"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.content.startswith(b"%PDF-")
    for who in ("other_member", "other_staff"):
        session = deployment.api_session(world[who])
        for url in urls.values():
            assert session.get(url, headers=PROXY, timeout=30).status_code == 404


def api_file_urls(deployment: Deployment, member: requests.Session, world: dict) -> dict:
    """The absolute download URLs the API hands out for the two files."""
    urls = {}
    for item in deployment.get("/api/v1/proposals/?page_size=100", member).json()["results"]:
        detail = deployment.get(f"/api/v1/proposals/{item['id']}/", member).json()
        for a in detail["attachments"]:
            if a["id"] == world["attachment"]:
                urls["attachment"] = a["download_url"]
        for r in detail["replies"]:
            if r["id"] == world["reply"]:
                urls["letter"] = r["attachment"]
    assert set(urls) == {"attachment", "letter"}, urls
    assert all(u.startswith("https://localhost:") for u in urls.values()), urls
    return {k: u.replace("https://", "http://", 1) for k, u in urls.items()}
