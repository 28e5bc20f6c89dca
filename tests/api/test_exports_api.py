"""``/api/v1/exports/``: the export jobs of the browser pages over HTTP — start (202),
poll, download; private to their user; bad filters are a 400 naming the field."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from proposals.models import ExportJob
from tests import flows
from tests.api.conftest import errors_of
from tests.proposals.exports.data import bulk_filed
from tests.proposals.exports.helpers import document, records, sheet, texts

URL = "/api/v1/exports/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(client, capture, **body):
    """POST a job and run what was queued on commit (the eager task)."""
    with capture(execute=True):
        response = client.post(URL, body, format="json")
    assert response.status_code == 202, response.content
    return response.data


def test_a_list_export_runs_as_a_job_and_downloads(
    as_user, world, django_capture_on_commit_callbacks
):
    bulk_filed(world, 3)
    client = as_user(world.staff)
    created = start(
        client,
        django_capture_on_commit_callbacks,
        kind="proposals",
        params={"state": ["assigned"], "sort": "number"},
    )
    assert created["status"] == "pending" and created["download_url"] is None
    job = client.get(f"{URL}{created['id']}/").data
    assert (job["status"], job["done"], job["total"], job["percent"]) == ("done", 3, 3, 100)
    assert job["params"] == {"state": ["assigned"], "sort": ["number"]}
    assert job["download_url"] == f"http://testserver{URL}{created['id']}/download/"
    rows = records(sheet(client.get(job["download_url"])))
    assert len(rows) == 3 and [r["案号"] for r in rows] == sorted(r["案号"] for r in rows)
    assert [j["id"] for j in client.get(URL).data["results"]] == [created["id"]]


def test_staff_build_a_compilation(as_user, world, django_capture_on_commit_callbacks):
    flows.filed(world)
    client = as_user(world.staff)
    job = start(
        client,
        django_capture_on_commit_callbacks,
        kind="compilation",
        params={"session": world.session.pk},
    )
    doc = document(client.get(f"{URL}{job['id']}/download/"))
    assert len(texts(doc, "Heading 2")) == 1


def test_compilations_are_staff_work(as_user, world):
    response = as_user(world.member.user).post(
        URL, {"kind": "compilation", "params": {"session": world.session.pk}}, format="json"
    )
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_bad_input_is_a_400_naming_the_field(as_user, world):
    client = as_user(world.staff)
    assert "kind" in errors_of(client.post(URL, {"kind": "everything"}, format="json"))
    assert "params" in errors_of(
        client.post(URL, {"kind": "proposals", "params": {"state": {"a": 1}}}, format="json")
    )
    assert "params" in errors_of(
        client.post(URL, {"kind": "proposals", "params": ["state"]}, format="json")
    )
    bad_filter = errors_of(
        client.post(URL, {"kind": "proposals", "params": {"year": "1800"}}, format="json")
    )
    assert "year" in bad_filter
    assert not ExportJob.objects.exists()


def test_jobs_are_private_and_downloads_wait_for_done(as_user, world, settings):
    client = as_user(world.staff)
    response = client.post(URL, {"kind": "proposals"}, format="json")  # not run: no capture
    job = response.data["id"]
    assert client.get(f"{URL}{job}/download/").status_code == 404
    other = as_user(world.member.user)
    assert other.get(f"{URL}{job}/").status_code == 404
    assert other.get(f"{URL}{job}/download/").status_code == 404
    assert other.get(URL).data["count"] == 0


def test_too_many_jobs_under_way_is_a_429(as_user, world, settings):
    settings.EXPORT_MAX_ACTIVE_PER_USER = 1
    client = as_user(world.staff)
    assert client.post(URL, {"kind": "proposals"}, format="json").status_code == 202
    response = client.post(URL, {"kind": "proposals"}, format="json")
    assert response.status_code == 429
    assert response.data["code"] == "too_many_exports"
    assert "请等它们完成后再试" in response.data["detail"]
    assert ExportJob.objects.count() == 1


def test_anonymous_clients_are_refused(client):
    assert APIClient().post(URL, {"kind": "proposals"}, format="json").status_code == 401
