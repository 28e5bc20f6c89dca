"""Answering a download of a private file, after the caller's view has checked access.

Every stored file (attachments, reply letters, export files) leaves the server through
:func:`private_file_response`: as an attachment under its original (Chinese) name, with
the type found when it was uploaded, never cached by a shared cache. Behind nginx
(``FILES_ACCEL_REDIRECT_PREFIX``) the transfer is handed to nginx with
``X-Accel-Redirect``; otherwise the file is streamed from the storage (disk or object
store).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(
    field_file: FieldFile | None, filename: str, content_type: str = ""
) -> HttpResponse:
    """The download of ``field_file`` (404 when there is none or it has gone)."""
    if not field_file:
        raise Http404
    # Files stored before types were recorded go out as opaque bytes, never as HTML.
    content_type = content_type or "application/octet-stream"
    prefix = settings.FILES_ACCEL_REDIRECT_PREFIX
    if prefix and isinstance(field_file.storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(field_file.name)}"
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            stream = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            stream, as_attachment=True, filename=filename, content_type=content_type
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
