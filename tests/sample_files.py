"""Small real files of every kind people upload, and the kinds that must be refused."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32
HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def package(*names: str) -> bytes:
    """A zip package with the given part names (how OOXML and OFD files are made)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


DOCX = package("[Content_Types].xml", "word/document.xml")
XLSX = package("[Content_Types].xml", "xl/workbook.xml")
OFD = package("OFD.xml", "Doc_0/Document.xml")

ACCEPTED = [
    ("情况说明.pdf", PDF, "application/pdf"),
    (
        "调研报告.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("数据.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("公文.ofd", OFD, "application/ofd"),
    ("旧文档.doc", OLE2, "application/msword"),
    ("金山文档.wps", OLE2, "application/vnd.ms-works"),
    ("扫描件.png", PNG, "image/png"),
    ("照片.jpg", JPEG, "image/jpeg"),
]
REFUSED = [
    ("setup.exe", EXE),
    ("page.html", HTML),
    ("logo.svg", SVG),
    ("virus.pdf", EXE),  # an executable named like a document
]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf(name: str = "情况说明.pdf") -> SimpleUploadedFile:
    return upload(name, PDF)
