"""Export tests: files go to a temporary media root."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def export_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
