"""Decoding an uploaded image safely: the upload check and the packet renderer share it."""

import io
import warnings

from PIL import Image

from casetracker.core.i18n import N_

# A 600-dpi scan of an A4 page is about 35 million pixels; twice that is still a document.
# A small file that decodes to more is a decompression bomb (a 438 KB PNG of 20000×20000).
MAX_IMAGE_PIXELS = 70_000_000


class UnreadableImage(Exception):
    """The image cannot be used; `reason` is a message id (Chinese) for the user."""

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
                    raise UnreadableImage(N_("图片像素过多（超过 7000 万像素）"))
                image.load()
    except UnreadableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableImage(N_("图片像素过多（超过 7000 万像素）")) from None
    except Exception:  # truncated, corrupt or not an image at all: never a server error
        raise UnreadableImage(N_("图片无法解码（文件损坏或格式不支持）")) from None
    return width, height
