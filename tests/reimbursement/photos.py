"""Photos of invoices for the tests: a QR code as PNG, pasted on a greyish page as JPEG."""

import io

import segno
from PIL import Image


def qr_png(text: str, scale: int = 5) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def photo_with(code: bytes) -> bytes:
    """The code pasted on a larger, greyish 'photo' of a receipt, as JPEG."""
    with Image.open(io.BytesIO(code)) as qr_image:
        page = Image.new("RGB", (900, 1200), (236, 232, 224))
        page.paste(qr_image.convert("RGB"), (600, 60))
        out = io.BytesIO()
        page.save(out, "JPEG", quality=90)
        return out.getvalue()


def plain_png() -> bytes:
    """A white square: a valid image with no code in it."""
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()
