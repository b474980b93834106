"""Opening an uploaded document the way the packet will: the upload check and the packet
renderer share it, so a file that cannot go into a packet is refused when it is uploaded."""

import io
import warnings

from PIL import Image
from pypdf import PdfReader

from casetracker.core.i18n import N_

# A 600-dpi scan of an A4 page is about 35 million pixels; twice that is still a document.
# A small file that decodes to more is a decompression bomb (a 438 KB PNG of 20000×20000).
MAX_IMAGE_PIXELS = 70_000_000


class UnreadableDocument(Exception):
    """The file cannot be used; `reason` is a message id (Chinese) saying why, in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_image(content: bytes) -> tuple[int, int]:
    """Decode the whole image within the pixel limit; return its size or raise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise UnreadableDocument(N_("图片像素过多（超过 7000 万像素）"))
                image.load()
    except UnreadableDocument:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableDocument(N_("图片像素过多（超过 7000 万像素）")) from None
    except Exception:  # truncated, corrupt or not an image at all: never a server error
        raise UnreadableDocument(N_("图片无法解码（文件损坏或格式不支持）")) from None
    return width, height


def open_pdf(content: bytes) -> PdfReader:
    """Read every page of a PDF now (not halfway through a packet), or raise."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UnreadableDocument(N_("PDF 已加密（设有密码），请上传未加密的文件"))
        if len(reader.pages) == 0:
            raise UnreadableDocument(N_("PDF 没有页面"))
        for page in reader.pages:
            page.mediabox  # noqa: B018
            page.get_contents()
    except UnreadableDocument:
        raise
    except Exception:  # truncated or damaged: the reader's own error says nothing to a clerk
        raise UnreadableDocument(N_("PDF 无法读取（文件不完整或已损坏）")) from None
    return reader


def check(content: bytes, content_type: str) -> None:
    """Raise UnreadableDocument unless the file opens as its type."""
    if content_type == "application/pdf":
        open_pdf(content)
    else:
        check_image(content)
