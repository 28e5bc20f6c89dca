"""The production shape as docker-compose.yml and .env.example describe it, run here
without Docker: the same commands and the documented variables, pointed at this
machine's PostgreSQL and Redis."""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

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
    run = next(line for line in dockerfile.splitlines() if line.strip().startswith("RUN"))
    assert "python manage.py collectstatic --noinput" in run
    return ["collectstatic", "--noinput"]


def service_command(name: str) -> list[str]:
    """A compose service's command, as argv."""
    return shlex.split(compose()["services"][name]["command"])
