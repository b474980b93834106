"""Reading an invoice's QR code (zxing-cpp) into the fields it holds, for the person to check
before anything is saved.

Two shapes are read: the tax invoices' comma list (全电发票 / 增值税发票: version, type, code —
empty on a 数电票 —, number, amount, date YYYYMMDD, check code, …) and a link whose query
names the bill (财政电子票据: bill code, number, total, date under the usual keys). What is
not there is left empty; nothing is guessed."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlparse

import zxingcpp
from PIL import Image, UnidentifiedImageError

from casetracker.core.i18n import N_

MAX_PIXELS = 40_000_000  # a phone photo is 12–50 MP; more is refused before decoding

_KEYS = {
    "code": ("billcode", "bill_code", "code", "pjdm", "invoicecode"),
    "number": ("billnumber", "bill_no", "billno", "number", "pjhm", "invoicenumber"),
    "amount": ("total", "amount", "money", "je", "totalamount"),
    "issued_on": ("date", "kprq", "issuedate", "issue_date", "billdate"),
}


@dataclass(frozen=True)
class Prefill:
    """What the code holds; `reason` (a message id) when nothing could be read."""

    code: str = ""
    number: str = ""
    issued_on: date | None = None
    amount: Decimal | None = None
    raw: str = ""
    reason: str = ""


def _day(text: str) -> date | None:
    digits = "".join(ch for ch in text if ch.isdigit())[:8]
    try:
        return (
            date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) if len(digits) == 8 else None
        )
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return (
        value.quantize(Decimal("0.01"))
        if value > 0 and value == value.quantize(Decimal("0.01"))
        else None
    )


def parse(text: str) -> Prefill:
    """The fields a decoded text holds."""
    text = text.strip()
    if text.lower().startswith(("http://", "https://")):
        query = {k.lower(): v[0] for k, v in parse_qs(urlparse(text).query).items() if v}
        found = {
            field: next((query[k] for k in keys if k in query), "") for field, keys in _KEYS.items()
        }
        if not found["number"]:
            return Prefill(raw=text, reason=N_("二维码里没有票据号码"))
        return Prefill(
            code=found["code"],
            number=found["number"],
            issued_on=_day(found["issued_on"]),
            amount=_amount(found["amount"]),
            raw=text,
        )
    parts = text.split(",")
    if len(parts) >= 6 and parts[0].isdigit():
        return Prefill(
            code=parts[2],
            number=parts[3],
            amount=_amount(parts[4]),
            issued_on=_day(parts[5]),
            raw=text,
        )
    return Prefill(raw=text, reason=N_("二维码里没有可识别的票据信息"))


def read(content: bytes) -> Prefill:
    """The invoice fields in the first QR code of a photo or scan."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                return Prefill(reason=N_("图片过大（超过 4000 万像素）"))
            image.load()
            found = zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return Prefill(reason=N_("无法读取这张图片（应为 JPEG 或 PNG 照片或扫描件）"))
    if not found:
        return Prefill(reason=N_("图片中没有找到可读的二维码"))
    return parse(found[0].text)
