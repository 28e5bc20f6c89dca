"""The one set of upload rules (cppcc.uploads): types by content, names kept, sizes capped."""

from __future__ import annotations

import re

import pytest

from cppcc import uploads
from tests import sample_files as files


@pytest.mark.parametrize(("name", "content", "content_type"), files.ACCEPTED)
def test_office_documents_and_images_are_accepted_by_their_content(name, content, content_type):
    checked = uploads.check_upload(files.upload(name, content), "attachment")
    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


@pytest.mark.parametrize(("name", "content"), files.REFUSED)
def test_executables_html_svg_and_disguised_files_are_refused(name, content):
    with pytest.raises(uploads.UploadRejected, match=f"不支持文件“{re.escape(name)}”的格式"):
        uploads.check_upload(files.upload(name, content), "reply")


def test_a_document_with_the_wrong_extension_is_refused():
    with pytest.raises(uploads.UploadRejected, match="内容是 PDF，与扩展名不符"):
        uploads.check_upload(files.upload("报告.docx", files.PDF), "attachment")


def test_imports_take_only_xlsx():
    assert uploads.check_upload(files.upload("名单.xlsx", files.XLSX), "import")
    with pytest.raises(uploads.UploadRejected, match="（Word）"):
        uploads.check_upload(files.upload("名单.docx", files.DOCX), "import")


def test_oversize_and_empty_files_are_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "attachment": 1}
    big = files.upload("大文件.pdf", files.PDF + b"0" * 1024 * 1024)
    with pytest.raises(uploads.UploadRejected, match=r"“大文件.pdf”过大（1.0 MB），上限为 1 MB"):
        uploads.check_upload(big, "attachment")
    with pytest.raises(uploads.UploadRejected, match="是空的"):
        uploads.check_upload(files.upload("空.pdf", b""), "attachment")


def test_names_lose_folders_and_control_characters_and_stored_names_are_generated():
    assert uploads.clean_name("C:\\Users\\张三\\报告\x00.pdf") == "报告.pdf"
    assert uploads.clean_name("../../etc/passwd") == "passwd"
    assert len(uploads.clean_name("长" * 300 + ".pdf")) == 200
    first, second = (uploads.storage_name("attachment", ".pdf") for _ in range(2))
    assert first != second
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
