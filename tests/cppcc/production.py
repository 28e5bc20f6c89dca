"""The production shape as docker-compose.yml and .env.example describe it, run here
without Docker: the same commands and the documented variables, pointed at this
machine's PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
import yaml

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def documented_variables() -> dict[str, str]:
    """``.env.example``'s variables (what an IT office copies to ``.env``)."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def production_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The web container's environment, with this machine's services and a fresh key."""
    app = compose()["x-app"]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "CELERY_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")
    }
    env.update(documented_variables())
    env.update({k: str(v) for k, v in app["environment"].items()})
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": "redis://127.0.0.1:6379/14",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": "https://localhost,https://127.0.0.1",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "cppcc.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def build_step() -> list[str]:
    """The image's build-time command after installing: collectstatic, as compose runs it."""
    dockerfile = compose()["x-app"]["build"]["dockerfile_inline"]
    run = next(line for line in dockerfile.splitlines() if "pip install" in line)
    assert run.strip().startswith("RUN") and "python manage.py collectstatic --noinput" in run
    return ["collectstatic", "--noinput"]


def service_command(name: str) -> list[str]:
    """A compose service's command, as argv."""
    return shlex.split(compose()["services"][name]["command"])


# What nginx adds in front of the app (BEHIND_PROXY=1, HTTPS=1 in .env.example).
PROXY = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres(sql: str, database: str = "postgres") -> list[tuple]:
    """Run ``sql`` on this machine's PostgreSQL directly (never through a relay)."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True) as c:
        cursor = c.execute(sql)
        return cursor.fetchall() if cursor.description else []


@dataclass
class Deployment:
    """A running web service and the world seeded into it."""

    base: str
    world: dict
    log: Path
    web: subprocess.Popen

    def get(
        self, path: str, session: requests.Session | None = None, headers: dict | None = None
    ) -> requests.Response:
        return (session or requests).get(
            self.base + path,
            headers={**PROXY, **(headers or {})},
            allow_redirects=False,
            timeout=30,
        )

    def api_session(self, username: str) -> requests.Session:
        token = requests.post(
            self.base + "/api/v1/auth/token/",
            json={"username": username, "password": PASSWORD},
            headers=PROXY,
            timeout=30,
        )
        assert token.status_code == 200, token.text
        session = requests.Session()
        session.headers.update(PROXY)
        session.headers["Authorization"] = f"Token {token.json()['token']}"
        return session

    def html_session(self, username: str) -> requests.Session:
        """Signed in through the login form, as a browser behind the HTTPS proxy is.

        The cookies are Secure, which ``requests`` keeps from plain http: they are sent
        by hand, with the Referer that Django's CSRF check asks of an HTTPS request."""
        form = self.get("/accounts/login/")
        assert form.status_code == 200, form.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, form.text
        session = requests.Session()
        session.headers.update(PROXY)
        session.headers["Referer"] = self.base.replace("http://", "https://") + "/accounts/login/"
        cookies = {"csrftoken": form.cookies["csrftoken"]}
        session.headers["Cookie"] = _cookie_header(cookies)
        answer = session.post(
            self.base + "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302 and answer.headers["Location"] == "/", answer.text
        cookies.update(answer.cookies.get_dict())
        session.headers["Cookie"] = _cookie_header(cookies)
        return session


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A long-running service command, output to ``log``; terminated at the end."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def database(name: str) -> Iterator[str]:
    """A fresh, empty database on this machine's PostgreSQL, dropped afterwards."""
    postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def deployed(env: dict[str, str], folder: Path, seed: str, **seed_env: str) -> Iterator[Deployment]:
    """The web service as compose runs it (migrate and gunicorn on ``GUNICORN_BIND``; the
    image's build step is the ``collected_static`` fixture's), with the world ``seed`` (a
    ``module:function`` of tests.cppcc that prints one JSON line) written by ``manage.py
    shell`` under ``env`` and ``seed_env``."""
    base = "http://localhost:" + env["GUNICORN_BIND"].rpartition(":")[2]
    log = folder / "web.log"
    with running(service_command("web"), env, log) as web:
        wait_until_up(base, web, log)
        module, _, function = seed.partition(":")
        seeded = manage(
            "shell",
            "-c",
            f"from tests.cppcc.{module} import {function}; {function}()",
            env={**env, **seed_env},
        )
        world = json.loads(seeded.stdout.strip().splitlines()[-1])
        yield Deployment(base, world, log, web)


def wait_until_up(base: str, web: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert web.poll() is None, f"the web command stopped:\n{log.read_text()}"
        try:
            if requests.get(base + "/accounts/login/", headers=PROXY, timeout=2).ok:
                return
        except (requests.ConnectionError, requests.Timeout):  # listening, workers booting
            pass
        time.sleep(0.5)
    raise AssertionError(f"gunicorn did not answer within 120 s:\n{log.read_text()}")
