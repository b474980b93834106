"""File downloads with a UTF-8 file name (RFC 6266), for attachments, packets, workbooks."""

from urllib.parse import quote

from starlette.responses import Response


def file_response(
    content: bytes,
    *,
    media_type: str,
    filename: str,
    inline: bool,
    headers: dict[str, str] | None = None,
) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
            **(headers or {}),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> Response:
    """A workbook to download."""
    return file_response(content, media_type=XLSX, filename=filename, inline=False)
