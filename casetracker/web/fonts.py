"""Serves the CJK web font shipped by the `pylopdf-fonts-zh-cn` package (Noto Sans SC, OFL).

Pages name the usual desktop CJK fonts first; this is the fallback for machines that have
none (Debian's Chromium in CI among them), so no screen ever shows boxes.
"""

import pylopdf_fonts_zh_cn
from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)


@router.get("/fonts/noto-sans-sc.otf")
def noto_sans_sc() -> FileResponse:
    return FileResponse(
        pylopdf_fonts_zh_cn.sans_path(),
        media_type="font/otf",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
