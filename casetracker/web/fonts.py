"""Serves the CJK web font shipped by the `pylopdf-fonts-zh-cn` package (Noto Sans SC, OFL).

Pages name the usual desktop CJK fonts first; this is the fallback for machines that have
none (Debian's Chromium in CI among them), so no screen ever shows boxes.
"""

import pylopdf_fonts_zh_cn
from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from casetracker.core.paths import FORMS

router = APIRouter(include_in_schema=False)


@router.get("/fonts/noto-sans-sc.otf")
def noto_sans_sc() -> FileResponse:
    return FileResponse(
        pylopdf_fonts_zh_cn.sans_path(),
        media_type="font/otf",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@router.get("/fonts/noto-serif-sc.otf")
def noto_serif_sc() -> FileResponse:
    return FileResponse(
        pylopdf_fonts_zh_cn.serif_path(),
        media_type="font/otf",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


PACKET_FONTS_CSS = """
@font-face { font-family: "Packet Sans"; src: url("/fonts/noto-sans-sc.otf"); }
@font-face { font-family: "Packet Serif"; src: url("/fonts/noto-serif-sc.otf"); }
"""


@router.get("/fonts/packet-fonts.css")
def packet_fonts() -> Response:
    """The packet preview's fonts: the same files WeasyPrint embeds in the PDF."""
    return Response(PACKET_FONTS_CSS, media_type="text/css")


@router.get("/packet-assets/{name}")
def packet_asset(name: str) -> Response:
    if name not in ("packet.css", "preview.css"):
        return Response(status_code=404)
    return FileResponse(FORMS / name, media_type="text/css")
