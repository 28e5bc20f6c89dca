"""The OpenAPI schema and the interactive docs, served without any CDN."""

import re

from django.contrib.staticfiles import finders


def test_schema_is_public_openapi_3_in_both_languages(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "提案" in schema["info"]["description"] and "lifecycle" in schema["info"]["description"]
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/users/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{id}/review/",
        "/api/v1/proposals/{id}/events/",
        "/api/v1/assignments/{id}/reply/",
        "/api/v1/reassignment-requests/{id}/approve/",
        "/api/v1/statistics/",
        "/api/v1/notifications/",
    ):
        assert path in paths, path


def test_docs_page_loads_its_assets_from_local_static(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets, page[:500]
    for asset in assets:
        assert asset.startswith("/static/"), asset  # no CDN
        assert finders.find(asset.removeprefix("/static/")), asset


def test_ordering_on_a_tied_field_pages_without_overlap(world):
    from rest_framework.test import APIClient

    from tests import flows

    for i in range(7):
        flows.submitted(world, cosigners=False, title=f"提案{i}")
    client = APIClient()
    client.force_authenticate(world.staff)
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"/api/v1/proposals/?ordering=state&page_size=3&page={page}")
        seen += [row["id"] for row in response.data["results"]]
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen, reverse=True)  # ties broken by id, newest first
