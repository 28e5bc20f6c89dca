"""Background exports: large lists and compilations become jobs with progress, private
to their user; a job that cannot be built ends "failed" with a message, never a 500."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone

from cppcc import jobs as background
from cppcc import retention
from proposals.exports import jobs
from proposals.exports.sources import ExportParamsError
from proposals.models import ExportJob
from tests import flows
from tests.factories import World
from tests.proposals.exports.data import bulk_filed
from tests.proposals.exports.helpers import document, records, sheet, texts

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def small_inline_limit(settings):
    settings.EXPORT_INLINE_LIMIT = 2
    settings.EXPORT_CHUNK_SIZE = 2


def start(client, url: str, capture) -> ExportJob:
    """POST ``url`` and run what was queued on commit (the eager task); returns the job."""
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302, response.status_code
    job = ExportJob.objects.latest("id")
    assert response["Location"] == f"/exports/jobs/{job.pk}/"
    return job


# ---- large lists ----------------------------------------------------------------------------


def test_a_large_list_becomes_a_job_with_a_download(
    client, world, small_inline_limit, django_capture_on_commit_callbacks
):
    bulk_filed(world, 5)
    client.force_login(world.staff)
    url = "/exports/proposals.xlsx?state=assigned&sort=number"
    offer = client.get(url)
    assert offer.status_code == 200
    page = offer.content.decode()
    assert "共 5 条记录" in page and 'id="export-start"' in page
    assert f'action="{url.replace("&", "&amp;")}"' in page
    job = start(client, url, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)
    assert job.kind == "proposals" and job.params == {"state": ["assigned"], "sort": ["number"]}
    assert job.filename.startswith("提案列表-") and job.filename.endswith(".xlsx")
    # Stored under a generated name, never the user's or a guessable one.
    assert re.fullmatch(r"exports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", job.file.name)
    state = client.get(f"/exports/jobs/{job.pk}/status").json()
    assert state == {
        "status": "done",
        "status_label": "已完成",
        "done": 5,
        "total": 5,
        "percent": 100,
        "filename": job.filename,
        "download_url": f"/exports/jobs/{job.pk}/download",
        "error": "",
    }
    page = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert f'href="/exports/jobs/{job.pk}/download"' in page and "<progress" in page
    rows = records(sheet(client.get(f"/exports/jobs/{job.pk}/download")))
    assert [r["案号"] for r in rows] == sorted(r["案号"] for r in rows) and len(rows) == 5


def test_progress_is_recorded_chunk_by_chunk(
    client, world, small_inline_limit, django_capture_on_commit_callbacks, monkeypatch
):
    bulk_filed(world, 5)
    recorded: list[dict] = []
    original = jobs._update

    def spy(job_id, **fields):
        recorded.append(fields)
        original(job_id, **fields)

    monkeypatch.setattr(jobs, "_update", spy)
    client.force_login(world.staff)
    start(client, "/exports/proposals.xlsx", django_capture_on_commit_callbacks)
    assert recorded[0] == {"status": "running", "total": 5, "done": 0}
    assert [f["done"] for f in recorded[1:-1]] == [2, 4, 5]  # every chunk, and the last row
    assert recorded[-1]["status"] == "done"


def test_a_large_inbox_export_is_a_job_too(
    client, world, small_inline_limit, django_capture_on_commit_callbacks
):
    bulk_filed(world, 3)
    client.force_login(world.lead_handler)
    assert "共 3 条记录" in client.get("/exports/assignments.xlsx").content.decode()
    job = start(client, "/exports/assignments.xlsx", django_capture_on_commit_callbacks)
    response = client.get(f"/exports/jobs/{job.pk}/download")
    assert {r["承办单位"] for r in records(sheet(response))} == {world.units[0].name}


def test_bad_filters_start_no_job(client, world, small_inline_limit):
    client.force_login(world.staff)
    response = client.post("/exports/proposals.xlsx?state=bogus")
    assert response.status_code == 400 and not ExportJob.objects.exists()
    with pytest.raises(ExportParamsError) as caught:
        jobs.start_export(world.staff, "proposals", {"session": ["x"]})
    assert "session" in caught.value.errors
    with pytest.raises(ExportParamsError):
        jobs.start_export(world.staff, "nonsense", {})


# ---- compilations ---------------------------------------------------------------------------


def test_staff_build_a_compilation(client, world, django_capture_on_commit_callbacks):
    bulk_filed(world, 4)
    client.force_login(world.staff)
    url = f"/exports/sessions/{world.session.pk}/compilation/"
    assert "共 4 件立案提案" in client.get(url).content.decode()
    job = start(client, url, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 4, 4)
    assert job.filename == "太原市政协十四届二次会议提案汇编.docx"
    doc = document(client.get(f"/exports/jobs/{job.pk}/download"))
    assert len(texts(doc, "Heading 2")) == 4 and len(texts(doc, "toc 2")) == 4


def test_the_exports_page_offers_compilations_to_staff_only(client, world):
    bulk_filed(world, 2)
    client.force_login(world.staff)
    page = client.get("/exports/").content.decode()
    assert f'action="/exports/sessions/{world.session.pk}/compilation/"' in page
    assert "<td>2</td>" in page  # filed proposals of the session
    client.force_login(world.member.user)
    page = client.get("/exports/").content.decode()
    assert "/compilation/" not in page and "我的导出任务" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_compilations_are_staff_work(client, world, method):
    for person in (world.member.user, world.lead_handler, world.supervisor):
        client.force_login(person)
        url = f"/exports/sessions/{world.session.pk}/compilation/"
        assert getattr(client, method)(url).status_code == 403
    elsewhere = World.build(prefix="外地")
    client.force_login(elsewhere.staff)
    assert getattr(client, method)(url).status_code == 404  # not their committee's session
    assert not ExportJob.objects.exists()


# ---- privacy --------------------------------------------------------------------------------


def test_jobs_are_private_to_their_user(client, world, django_capture_on_commit_callbacks):
    bulk_filed(world, 1)
    client.force_login(world.staff)
    job = start(
        client,
        f"/exports/sessions/{world.session.pk}/compilation/",
        django_capture_on_commit_callbacks,
    )
    client.force_login(world.admin)  # even an administrator of the same committee
    for suffix in ("", "status", "download"):
        assert client.get(f"/exports/jobs/{job.pk}/{suffix}").status_code == 404
    assert job.filename not in client.get("/exports/").content.decode()
    client.force_login(world.staff)
    assert client.get(f"/exports/jobs/{job.pk}/download").status_code == 200
    assert job.filename in client.get("/exports/").content.decode()


# ---- failures -------------------------------------------------------------------------------


def test_a_failing_build_ends_failed_with_a_message(
    client, world, django_capture_on_commit_callbacks, monkeypatch
):
    bulk_filed(world, 2)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(jobs, "compilation_docx", broken)
    client.force_login(world.staff)
    job = start(
        client,
        f"/exports/sessions/{world.session.pk}/compilation/",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None and not job.file
    assert "磁盘已满" in job.error and "请稍后重试" in job.error
    state = client.get(f"/exports/jobs/{job.pk}/status").json()
    assert state["status"] == "failed" and state["download_url"] is None
    assert state["error"] == job.error
    page = client.get(f"/exports/jobs/{job.pk}/")
    assert page.status_code == 200 and job.error in page.content.decode()
    assert client.get(f"/exports/jobs/{job.pk}/download").status_code == 404


def test_a_lost_database_connection_leaves_the_job_to_the_task_retry(world, monkeypatch):
    """Not failed with a message: the task is retried (cppcc.celery.Task) and starts over."""
    job = jobs.start_export(world.staff, "compilation", {"session": [str(world.session.pk)]})

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(jobs, "get_export", lost)
    with pytest.raises(OperationalError):
        jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "pending" and job.error == ""
    monkeypatch.undo()
    assert jobs.run_job(job.pk) == "done"


def test_an_unreachable_broker_fails_the_job_not_the_request(
    client, world, django_capture_on_commit_callbacks, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(
        background.task("proposals.exports.tasks.build_export"), "apply_async", unreachable
    )
    client.force_login(world.staff)
    job = start(
        client,
        f"/exports/sessions/{world.session.pk}/compilation/",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.status == "failed" and "任务队列暂不可用" in job.error


def test_a_user_who_lost_the_role_gets_a_failed_job(client, world):
    job = jobs.start_export(world.staff, "compilation", {"session": [str(world.session.pk)]})
    world.staff.groups.clear()
    world.staff = type(world.staff).objects.get(pk=world.staff.pk)  # roles are cached
    assert jobs.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error == "您已无权生成此导出。"


def test_a_redelivered_task_leaves_a_finished_job_alone(
    client, world, django_capture_on_commit_callbacks
):
    flows.filed(world)
    client.force_login(world.staff)
    job = start(
        client,
        f"/exports/sessions/{world.session.pk}/compilation/",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    name = job.file.name
    assert jobs.run_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.file.name == name
    assert jobs.run_job(10**9) == "missing"


# ---- the worker knows the task --------------------------------------------------------------


def test_a_worker_registers_the_export_task():
    """What ``celery -A cppcc worker`` does at start-up (Django set-up, system checks,
    task discovery) registers ``build_export`` — checked in a fresh interpreter."""
    code = (
        "from cppcc.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print('proposals.exports.tasks.build_export' in app.tasks)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cppcc.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


# ---- limits and retention -------------------------------------------------------------------


def _queued(user, n: int) -> list[ExportJob]:
    """``n`` jobs that no worker has picked up yet (no on-commit callback runs)."""
    return [ExportJob.objects.create(user=user, kind="proposals", params={}) for _ in range(n)]


def test_a_user_with_jobs_under_way_is_told_to_wait(client, world, small_inline_limit, settings):
    settings.EXPORT_MAX_ACTIVE_PER_USER = 2
    bulk_filed(world, 3)
    _queued(world.staff, 2)
    client.force_login(world.staff)
    response = client.post("/exports/proposals.xlsx?state=assigned", follow=True)
    assert response.redirect_chain == [("/exports/", 302)]
    assert "您已有 2 个导出正在生成，请等它们完成后再试。" in response.content.decode()
    assert ExportJob.objects.filter(user=world.staff).count() == 2
    compilation = client.post(f"/exports/sessions/{world.session.pk}/compilation/")
    assert compilation.status_code == 302 and compilation["Location"] == "/exports/"
    # Other users are not held back by the staff member's jobs.
    jobs.start_export(world.supervisor, "proposals", {})


def test_finished_and_stuck_jobs_do_not_count_against_the_limit(world, settings):
    settings.EXPORT_MAX_ACTIVE_PER_USER = 1
    done, stuck = _queued(world.staff, 2)
    ExportJob.objects.filter(pk=done.pk).update(status=ExportJob.Status.DONE)
    an_hour_ago = timezone.now() - jobs.ACTIVE_WINDOW - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk=stuck.pk).update(created_at=an_hour_ago)
    job = jobs.start_export(world.staff, "proposals", {})
    with pytest.raises(jobs.ExportLimitReached):
        jobs.start_export(world.staff, "proposals", {})
    assert job.status == ExportJob.Status.PENDING


def test_old_exports_and_their_files_are_purged(
    client, world, small_inline_limit, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_KEEP_DAYS = 7
    bulk_filed(world, 3)
    client.force_login(world.staff)
    old = start(
        client, "/exports/proposals.xlsx?state=assigned", django_capture_on_commit_callbacks
    )
    recent = start(
        client, "/exports/proposals.xlsx?state=assigned", django_capture_on_commit_callbacks
    )
    old.refresh_from_db()
    recent.refresh_from_db()
    old_path, recent_path = Path(old.file.path), Path(recent.file.path)
    assert old_path.exists() and recent_path.exists()
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    ExportJob.objects.filter(pk=old.pk).update(created_at=eight_days_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert purged_exports() == 1
    assert not ExportJob.objects.filter(pk=old.pk).exists() and not old_path.exists()
    assert ExportJob.objects.filter(pk=recent.pk).exists() and recent_path.exists()
    assert client.get(f"/exports/jobs/{old.pk}/download").status_code == 404
    assert purged_exports() == 0


def purged_exports() -> int:
    """What tonight's retention purge (cppcc.retention) deletes of the exports."""
    return next(line.count for line in retention.purge() if line.kind.name == "exports")


def test_a_job_whose_worker_died_ends_failed_and_frees_the_user(client, world, fixed_clock):
    running = ExportJob.objects.create(user=world.staff, kind="proposals", status="running")
    jobs._update(running.pk, done=200, total=1000)  # progress, then the worker dies
    queued = ExportJob.objects.create(user=world.staff, kind="proposals")  # never picked up
    fixed_clock.shift(datetime.timedelta(minutes=20))
    fresh = ExportJob.objects.create(user=world.staff, kind="proposals")
    assert jobs.fail_stalled_exports() == 0  # 20 minutes of silence is not yet a death
    fixed_clock.shift(datetime.timedelta(minutes=15))
    jobs._update(fresh.pk, status="running", total=10, done=0)  # alive: it just started
    assert jobs.fail_stalled_exports() == 2
    for job in (running, queued):
        job.refresh_from_db()
        assert (job.status, job.finished_at is not None) == ("failed", True)
    fresh.refresh_from_db()
    assert fresh.status == "running"
    client.force_login(world.staff)
    state = client.get(f"/exports/jobs/{running.pk}/status").json()
    assert state["status"] == "failed" and "导出中断" in state["error"]
    # A redelivered task finds the job failed and leaves it alone.
    assert jobs.run_job(running.pk) == "failed"
