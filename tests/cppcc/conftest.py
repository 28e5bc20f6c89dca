"""The image's build step, run once for the deployment tests that need it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.cppcc.production import build_step, manage, production_env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """``collectstatic`` as the image runs it (hashed, compressed; ~30 s), shared by the
    production-shape modules: their STATIC_ROOT."""
    root = tmp_path_factory.mktemp("static")
    name = settings.DATABASES["default"]["NAME"]
    env = production_env(f"postgres://postgres@127.0.0.1:5432/{name}", STATIC_ROOT=str(root))
    manage(*build_step(), env=env)
    return root
