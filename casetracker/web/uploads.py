"""Reading an uploaded file with a size cap, so a huge upload is refused, not buffered."""

from fastapi import UploadFile

from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.materials.service import MAX_UPLOAD_BYTES
from casetracker.reconcile.files import MAX_BYTES


async def read_upload(file: UploadFile, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise Invalid(
            _("文件超过 {mb} MB").format(mb=limit // 1024 // 1024),
            field_errors={"file": _("文件：过大")},
        )
    return content


async def read_import(file: UploadFile) -> bytes:
    """A roster or a bill: up to the reader's own limit."""
    return await read_upload(file, MAX_BYTES)
