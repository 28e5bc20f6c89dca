"""The production shape under faults, as an IT office would meet them.

gunicorn runs as compose runs it (``DEBUG=0``, the documented variables) with Redis — the
broker and the cache — pointed at a closed port, and PostgreSQL reached through a TCP
relay the test controls. With Redis down, logging in and submitting still work within
seconds and the e-mails wait in the database; once a real ``redis-server`` comes up on
that port with the compose file's worker and beat, each waiting e-mail is sent exactly
once. With the relay cut, pages answer a Chinese 503 and the API a JSON 503, a task that
loses its connection is retried, and everything works again once the relay is restored,
without restarting anything. The tests run in order, on one deployment.
"""

from __future__ import annotations

import email
import email.header
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from tests.cppcc.production import (
    Deployment,
    database,
    deployed,
    free_port,
    postgres,
    production_env,
    running,
    service_command,
)
from tests.cppcc.relay import Relay

RECOVERY_SECONDS = 2  # REMINDER_RETRY_SECONDS: how often beat sends the recovery tasks
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in the file-based backend


@dataclass
class Faults:
    deployment: Deployment
    relay: Relay
    database: str
    redis_port: int
    env: dict[str, str]
    folder: Path
    services: ExitStack
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def sql(self, query: str) -> list[tuple]:
        return postgres(query, self.database)

    def start_redis_worker_and_beat(self) -> None:
        """Redis on the closed port, then the compose file's worker and beat (once)."""
        if self.logs:
            return
        # As compose's redis service runs it: nothing kept on disk.
        server = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        for name, command in (
            ("redis", [*server, "--save", "", "--appendonly", "no"]),
            ("worker", service_command("worker")),
            ("beat", beat_command(self.folder)),
        ):
            self.logs[name] = self.folder / f"{name}.log"
            self.services.enter_context(running(command, self.env, self.logs[name]))
            if name == "redis":
                wait(lambda: answers(self.redis_url), 10, "redis-server to answer")

    def log(self, name: str) -> str:
        return self.logs[name].read_text()


def beat_command(folder: Path) -> list[str]:
    command = service_command("beat")
    command[command.index("--schedule") + 1] = str(folder / "celerybeat-schedule")
    return command


def answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def faults(tmp_path_factory, collected_static) -> Iterator[Faults]:
    name = f"{settings.DATABASES['default']['NAME']}_faults"
    folder = tmp_path_factory.mktemp("faults")
    relay = Relay(("127.0.0.1", 5432)).start()
    redis_port = free_port()  # nothing listens there until the second test
    with database(name), ExitStack() as services:
        env = production_env(
            f"postgres://postgres@127.0.0.1:{relay.port}/{name}",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            STATIC_ROOT=str(collected_static),
            MEDIA_ROOT=str(folder / "media"),
            GUNICORN_BIND=f"127.0.0.1:{free_port()}",
            GUNICORN_WORKERS="2",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(folder / "mail"),
            REMINDER_RETRY_SECONDS=str(RECOVERY_SECONDS),
            EMAIL_RECOVERY_AFTER_SECONDS="1",
        )
        # The seed runs eagerly (its e-mails, if any, are not the test's).
        seed = {"CELERY_TASK_ALWAYS_EAGER": "1"}
        with deployed(env, folder, "production_world:build_people", **seed) as deployment:
            yield Faults(deployment, relay, name, redis_port, env, folder, services)
        relay.stop()


def mails(folder: Path) -> list[email.message.Message]:
    found = []
    for path in sorted((folder / "mail").glob("*.log")):
        for raw in path.read_bytes().split(MAIL_SEPARATOR):
            if raw.strip():
                found.append(email.message_from_bytes(raw))
    return found


def subject(message: email.message.Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_with_redis_down_logins_and_submitting_answer_at_once(faults):
    d, world = faults.deployment, faults.deployment.world
    member, seconds = timed(lambda: d.api_session(world["member"]))
    assert seconds < 5
    staff, seconds = timed(lambda: d.html_session(world["staff"]))
    assert seconds < 5
    home = staff.get(d.base + "/", timeout=30)
    assert home.status_code == 200 and 'action="/accounts/logout/"' in home.text

    created, seconds = timed(
        lambda: member.post(
            d.base + "/api/v1/proposals/",
            json={
                "title": "关于加快老旧小区电梯加装的提案",
                "suggestions": "建议简化审批流程。",
                "category": "social",
                "cosigners": [world["cosigner_member"]],
            },
            timeout=30,
        )
    )
    assert created.status_code == 201 and seconds < 5, created.text
    url = f"{d.base}/api/v1/proposals/{created.json()['id']}/"
    submitted, seconds = timed(lambda: member.post(url + "submit/", timeout=30))
    assert submitted.status_code == 200 and seconds < 5, submitted.text
    assert member.get(url, timeout=30).json()["state"] == "submitted"

    # The co-signer's invitation waits in its outbox row; the request did not fail for it.
    waiting = faults.sql(
        "SELECT u.email FROM proposals_notification n JOIN members_user u ON u.id = n.user_id "
        "WHERE n.emailed_at IS NULL"
    )
    assert waiting == [(world["cosigner_email"],)]
    assert "could not hand proposals.tasks.email_notifications over" in d.log.read_text()
    assert not (faults.folder / "mail").exists()


def test_when_redis_returns_each_waiting_email_is_sent_exactly_once(faults):
    faults.start_redis_worker_and_beat()
    waiting = "SELECT count(*) FROM proposals_notification WHERE emailed_at IS NULL"
    wait(lambda: faults.sql(waiting) == [(0,)], 60, "the waiting e-mail to be sent")
    # Beat goes on sending the recovery task: it must not send the e-mail again.
    done = "Task proposals.tasks.email_pending_notifications["
    wait(lambda: faults.log("worker").count(done) >= 3, 30, "three more recovery runs")

    sent = mails(faults.folder)
    world = faults.deployment.world
    assert Counter(m["To"] for m in sent) == {world["cosigner_email"]: 1}
    assert "请确认是否联名提案《关于加快老旧小区电梯加装的提案》" in subject(sent[0])


def test_a_cut_database_answers_503_and_everything_recovers_without_a_restart(faults):
    faults.start_redis_worker_and_beat()
    d, world = faults.deployment, faults.deployment.world
    member = d.api_session(world["member"])
    staff = d.html_session(world["staff"])
    booted = d.log.read_text().count("Booting worker")
    client = Celery(broker=faults.redis_url, backend=faults.redis_url)

    faults.relay.cut()
    try:
        page = staff.get(d.base + "/", timeout=30)
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        assert "数据库暂时无法连接" in page.text and "Traceback" not in page.text
        api = member.get(d.base + "/api/v1/proposals/", timeout=30)
        assert api.status_code == 503 and api.headers["Retry-After"] == "30"
        assert api.json()["code"] == "database_unavailable"
        assert d.get("/readyz").status_code == 503
        assert d.get("/healthz").status_code == 200
        # A task that cannot reach the database is retried, not failed.
        task = client.send_task("proposals.tasks.email_pending_notifications")
        wait(lambda: task.state == "RETRY", 30, "the task to be retried")
    finally:
        faults.relay.restore()

    assert staff.get(d.base + "/", timeout=30).status_code == 200
    assert member.get(d.base + "/api/v1/proposals/", timeout=30).status_code == 200
    assert d.get("/readyz").status_code == 200
    # (Not "within a task": an embedded test worker earlier in the run leaves celery's flag set.)
    assert task.get(timeout=60, disable_sync_subtasks=False) == 0 and task.state == "SUCCESS"
    # The same gunicorn master and workers: nothing was restarted.
    assert d.web.poll() is None
    assert d.log.read_text().count("Booting worker") == booted
    assert "OperationalError" in faults.log("worker") and "Retry in" in faults.log("worker")
