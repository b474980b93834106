"""Reading an uploaded file with a size cap, so a huge upload is refused, not buffered."""

from fastapi import UploadFile

from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.materials.service import MAX_UPLOAD_BYTES


async def read_upload(file: UploadFile) -> bytes:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid(
            _("文件超过 {mb} MB").format(mb=MAX_UPLOAD_BYTES // 1024 // 1024),
            field_errors={"file": _("文件：过大")},
        )
    return content
