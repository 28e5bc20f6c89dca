from rest_framework.test import APIClient

from tests import flows


def test_create_list_and_submit_over_http(world):
    client = APIClient()
    client.force_authenticate(world.member.user)
    created = client.post(
        "/api/v1/proposals/",
        {
            "title": "关于停车难的提案",
            "suggestions": "建议",
            "category": "social",
            "cosigners": [world.cosigner.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["state"] == "draft" and "submit" in created.data["allowed_actions"]
    listed = client.get("/api/v1/proposals/")
    assert listed.data["count"] == 1
    pid = created.data["id"]
    submitted = client.post(f"/api/v1/proposals/{pid}/submit/")
    assert submitted.status_code == 200 and submitted.data["state"] == "submitted"
    again = client.post(f"/api/v1/proposals/{pid}/submit/")
    assert again.status_code == 409 and again.data["code"] == "invalid_state"


def test_assignment_endpoints(world):
    p = flows.assigned(world)
    client = APIClient()
    client.force_authenticate(world.lead_handler)
    rows = client.get("/api/v1/assignments/").data["results"]
    assert [r["proposal"]["id"] for r in rows] == [p.pk]
    detail = client.get(f"/api/v1/proposals/{p.pk}/")
    assert detail.status_code == 200 and detail["ETag"] == f'"{p.version}"'
