"""A long export in a real browser: the progress bar moves, then the download appears.

Staff start a session's compilation (提案汇编) from the exports page. The job runs in a
real Celery worker (celery's embedded test worker in a thread, consuming a queue of
its own on the real Redis broker), so the page polls a job that is really running
elsewhere. The book is long enough to watch (a few hundred bulk-created proposals,
progress recorded every few of them) — no delay is added anywhere.
"""

from __future__ import annotations

import re

import docx
import pytest

from proposals.models import ExportJob
from tests.factories import World
from tests.proposals.exports.data import bulk_filed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROPOSALS = 400
CHUNK = 5  # progress is recorded every 5 proposals: 80 steps to see

# The page's state the moment the bar shows an intermediate value (0 < done < total).
INTERMEDIATE = """() => {
  const bar = document.getElementById("export-progress");
  if (!(bar.max > 1 && bar.value > 0 && bar.value < bar.max)) return null;
  return {
    value: bar.value,
    max: bar.max,
    count: document.getElementById("export-count").textContent,
    status: document.getElementById("export-status").textContent,
    linkHidden: document.getElementById("export-download").hidden,
  };
}"""


@pytest.fixture
def scene(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_CHUNK_SIZE = CHUNK
    w = World.build()
    bulk_filed(w, PROPOSALS)
    return w


@pytest.fixture
def worker(scene, celery_worker_thread):
    """The shared real Celery worker (tests/celery_worker.py), started after ``scene``."""
    return celery_worker_thread


def test_the_progress_of_a_long_export_is_visible(scene, worker, sessions):
    w = scene
    staff = sessions(w.staff)
    page = staff.go("/exports/")
    staff.screenshot("staff-exports")
    page.click(f"form[action='/exports/sessions/{w.session.pk}/compilation/'] button")
    page.wait_for_url(re.compile(r"/exports/jobs/\d+/$"))
    job = ExportJob.objects.get()
    assert job.user == w.staff and job.kind == "compilation"

    # Part-way: the bar shows some of the proposals done, and no link yet.
    seen = page.wait_for_function(INTERMEDIATE, polling=50, timeout=60_000).json_value()
    assert 0 < seen["value"] < seen["max"] == PROPOSALS, seen
    assert seen["count"] == f"{seen['value']} / {PROPOSALS}" and seen["status"] == "生成中"
    assert seen["linkHidden"] is True
    staff.screenshot("staff-export-progress")

    # Then the download link; the file is the whole book.
    link = page.locator("#export-download-link")
    link.wait_for(state="visible", timeout=120_000)
    assert page.inner_text("#export-status") == "已完成"
    assert page.eval_on_selector("#export-progress", "bar => [bar.value, bar.max]") == [
        PROPOSALS,
        PROPOSALS,
    ]
    staff.screenshot("staff-export-done")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "太原市政协十四届二次会议提案汇编.docx"
    book = docx.Document(download.value.path())
    headings = [p.text for p in book.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == PROPOSALS
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", PROPOSALS, PROPOSALS)
