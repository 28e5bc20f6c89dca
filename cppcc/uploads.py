"""Which files people may upload, checked in one place for the browser, the API and imports.

A file is accepted for what its bytes are, not for what its name says: ``virus.pdf``
with an executable's header is refused, and so is HTML, SVG or anything else an office
does not exchange. The stored name is generated (never the uploader's), the original
name is kept for the download, and the content type sent back later is the one found
here.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office and WPS containers
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", (".pdf",)),
        FileType("ofd", "OFD", "application/ofd", (".ofd",)),
        FileType(
            "docx",
            "Word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileType(
            "xlsx",
            "Excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        FileType("doc", "Word", "application/msword", (".doc",)),
        FileType("wps", "WPS", "application/vnd.ms-works", (".wps",)),
        FileType("xls", "Excel", "application/vnd.ms-excel", (".xls", ".et")),
        FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        FileType("png", "PNG", "image/png", (".png",)),
        FileType("tiff", "TIFF", "image/tiff", (".tif", ".tiff")),
    )
}

DOCUMENTS = ("pdf", "ofd", "docx", "doc", "wps", "xlsx", "xls", "jpeg", "png", "tiff")
# What each kind of upload accepts.
ALLOWED = {
    "attachment": DOCUMENTS,
    "reply": DOCUMENTS,
    "import": ("xlsx",),
}
# Where each kind is stored (under MEDIA_ROOT or the bucket).
FOLDERS = {"attachment": "attachments", "reply": "replies", "export": "exports"}


class UploadRejected(ValueError):
    """The upload is not acceptable; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the uploader's file name, cleaned, for the download
    type: FileType
    size: int

    @property
    def content_type(self) -> str:
        return self.type.content_type


def limit_bytes(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind] * 1024 * 1024


def allowed_extensions(kind: str) -> str:
    """For a form's ``accept`` attribute and for messages: ``.pdf,.ofd,…``."""
    return ",".join(ext for code in ALLOWED[kind] for ext in TYPES[code].extensions)


def check_upload(upload, kind: str) -> CheckedUpload:
    """The checked upload, or :class:`UploadRejected` with a message for the person."""
    if upload is None or not getattr(upload, "name", ""):
        raise UploadRejected(_("请选择文件。"))
    name = clean_name(upload.name)
    size = upload.size if upload.size is not None else _measure(upload)
    limit = settings.UPLOAD_MAX_MB[kind]
    if size > limit_bytes(kind):
        raise UploadRejected(
            _("文件“{name}”过大（{size:.1f} MB），上限为 {limit} MB。").format(
                name=name, size=size / 1024 / 1024, limit=limit
            )
        )
    if size == 0:
        raise UploadRejected(_("文件“{name}”是空的。").format(name=name))
    found = sniff(upload)
    allowed = [TYPES[code] for code in ALLOWED[kind]]
    labels = "、".join(dict.fromkeys(t.label for t in allowed))
    extension = os.path.splitext(name)[1].lower()
    if found is None:
        raise UploadRejected(
            _("不支持文件“{name}”的格式。可上传：{labels}（{exts}）。").format(
                name=name, labels=labels, exts=allowed_extensions(kind)
            )
        )
    if found == "ole2":  # one container for .doc, .xls and .wps: the name tells which
        found = next((t.code for t in TYPES.values() if extension in t.extensions), "")
        found = found if found in ("doc", "wps", "xls") else "doc"
    file_type = TYPES[found]
    if file_type not in allowed:
        raise UploadRejected(
            _("不支持文件“{name}”的格式（{label}）。可上传：{labels}。").format(
                name=name, label=file_type.label, labels=labels
            )
        )
    if extension not in file_type.extensions:
        raise UploadRejected(
            _("文件“{name}”的内容是 {label}，与扩展名不符，请检查后重新上传。").format(
                name=name, label=file_type.label
            )
        )
    return CheckedUpload(name=name, type=file_type, size=size)


def sniff(upload: IO[bytes]) -> str | None:
    """The type code the file's bytes show (``ole2`` for the legacy Office container)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith((b"II*\x00", b"MM\x00*")):
            return "tiff"
        if head.startswith(OLE2):
            return "ole2"
        if head.startswith(ZIP):
            return _zip_type(upload)
        return None
    finally:
        upload.seek(0)


def _zip_type(upload: IO[bytes]) -> str | None:
    """Office Open XML and OFD are zip packages; the part names say which one."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _measure(upload: IO[bytes]) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def clean_name(name: str) -> str:
    """The uploader's name without folders or control characters, at most 200 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    stem, extension = os.path.splitext(name or "file")
    return stem[: 200 - len(extension)] + extension


def storage_name(kind: str, checked_extension: str) -> str:
    """A generated, unguessable name: ``attachments/2026/12/<uuid>.pdf``."""
    today = timezone.localdate()
    return f"{FOLDERS[kind]}/{today:%Y/%m}/{uuid.uuid4().hex}{checked_extension}"
