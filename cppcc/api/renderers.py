"""Renderers shared by the API's download endpoints."""

from __future__ import annotations

import json

from rest_framework import renderers


class BinaryRenderer(renderers.BaseRenderer):
    """Lets clients ask for a download with ``Accept: application/octet-stream``; the
    file itself bypasses renderers (a ``FileResponse``), errors are written as JSON."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False).encode()


# A download action: JSON for errors, or the file whatever the client accepts.
DOWNLOAD_RENDERERS = [renderers.JSONRenderer, BinaryRenderer]
