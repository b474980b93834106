"""The one reader of rosters and bills: a file (.xlsx, .xls or .csv) to its sheets of rows,
each row with the number Excel shows for it. Spreadsheets are read with python-calamine;
a CSV is UTF-8 (with or without a BOM) when it decodes strictly as UTF-8, else GB18030 (a
superset of GBK; guessing the charset misreads short GBK files). A file that cannot be read
at all raises `UnreadableFile` with the reason; nothing about rows is decided here."""

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from casetracker.core.i18n import N_
from casetracker.reconcile.values import Cell

MAX_BYTES = 50 * 1024 * 1024  # a month's bill of 100,000 people is about 10 MB as .xlsx
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other legacy Office files)


class UnreadableFile(ValueError):
    """A file that is not a readable table at all (why: an N_ source, Chinese; the file's
    name is filled in by whoever knows it)."""

    def __init__(self, reason: str, detail: str = "", file: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail
        self.file = file

    def text(self, translate: Callable[[str], str] = str) -> str:
        said = translate(self.reason)
        if self.detail:
            said = f"{said}（{self.detail}）"
        return f"{self.file}：{said}" if self.file else said


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's rows as read, `rows[i]` being the row Excel shows as number i + 1."""

    name: str
    rows: Sequence[Sequence[Cell]]


def read_sheets(content: bytes, filename: str) -> list[Sheet]:
    """Every sheet of the file, in order (a CSV is one sheet named after the file, as Excel
    names it when it opens one)."""
    try:
        return _sheets(content, filename)
    except UnreadableFile as exc:
        exc.file = filename
        raise


def _sheets(content: bytes, filename: str) -> list[Sheet]:
    if not content:
        raise UnreadableFile(N_("文件是空的"))
    if len(content) > MAX_BYTES:
        raise UnreadableFile(N_("文件太大（上限 50 MB）"))
    if content.startswith(_ZIP) or content.startswith(_OLE):
        return _workbook(content)
    return [Sheet(name=Path(filename).stem, rows=_csv_rows(content))]


def read_path(path: Path) -> list[Sheet]:
    """`read_sheets` of a file on disk; a missing or oversized file says so."""
    try:
        size = path.stat().st_size
    except OSError:
        raise UnreadableFile(N_("找不到文件"), file=str(path)) from None
    if size > MAX_BYTES:
        raise UnreadableFile(N_("文件太大（上限 50 MB）"), file=path.name)
    return read_sheets(path.read_bytes(), path.name)


def _workbook(content: bytes) -> list[Sheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [
            Sheet(
                name=name,
                rows=book.get_sheet_by_name(name).to_python(skip_empty_area=False),
            )
            for name in book.sheet_names
        ]
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableFile(N_("无法读取表格：文件损坏或不是 Excel 表格"), str(exc)) from None


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = content.decode("gb18030")
        except UnicodeDecodeError:
            raise UnreadableFile(N_("不是表格文件：既不是 Excel 表格，也不是 CSV 文本")) from None
    if "\x00" in decoded:
        raise UnreadableFile(N_("不是表格文件：既不是 Excel 表格，也不是 CSV 文本"))
    try:
        return [list(row) for row in csv.reader(io.StringIO(decoded, newline=""))]
    except csv.Error as exc:
        raise UnreadableFile(N_("CSV 格式错误"), str(exc)) from None
