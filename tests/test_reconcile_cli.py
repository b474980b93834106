"""`casetracker reconcile`: the contract other programs depend on (one JSON object; exit 0
when it ran, non-zero with a clear message when a file cannot be read) and the workbook the
specialist keeps working in (a sheet per class, frozen header, filters, IDs as text, no
formula ever live)."""

import json
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from casetracker.cli import app
from tests.reconcile_files import (
    ROSTER_HEADER,
    SheetSpec,
    bill_rows,
    csv_bytes,
    make_id,
    planted_month,
    xlsx_bytes,
)

EVIL = "=cmd|' /C calc'!A0"


def _files(tmp_path: Path, *, evil_name: bool = False) -> tuple[Path, Path]:
    month = planted_month()
    if evil_name:
        month.bill.append([99, EVIL, make_id(99), "8000", "202611", "正常", "1"])
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(xlsx_bytes(SheetSpec("名册", [ROSTER_HEADER, *month.roster])))
    bill = tmp_path / "bill.csv"
    bill.write_bytes(csv_bytes(bill_rows(month), "gbk"))
    return roster, bill


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["reconcile", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_one_object_with_month_summary_items_and_errors(tmp_path: Path) -> None:
    roster, bill = _files(tmp_path)
    code, out, _err = _invoke(
        "--month", "2026-11", "--roster", str(roster), "--bureau", str(bill), "--format", "json"
    )
    assert code == 0
    found = json.loads(out)
    assert set(found) == {"month", "summary", "items", "errors"}
    assert found["month"] == "2026-11"
    assert found["summary"] == {
        "to_enroll": 2,
        "to_stop": 1,
        "not_in_roster": 1,
        "base_mismatch": 1,
        "name_mismatch": 1,
        "duplicate": 1,
        "other_period": 2,
        "invalid": 0,
    }
    base = next(i for i in found["items"] if i["category"] == "base_mismatch")
    assert (base["roster_base"], base["bill_base"]) == ("10000.00", "11000.00")  # strings
    assert {"category", "id_number", "name"} <= set(base)
    assert found["errors"] == []


def test_a_file_that_cannot_be_read_exits_non_zero_and_says_which_and_why(
    tmp_path: Path,
) -> None:
    roster, _bill = _files(tmp_path)
    photo = tmp_path / "bill.csv"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, err = _invoke("--month", "2026-11", "--roster", str(roster), "--bureau", str(photo))
    assert code != 0
    assert out == ""
    assert "bill.csv" in err
    assert "不是表格文件" in err
    code, _out, err = _invoke(
        "--month", "2026-11", "--roster", str(tmp_path / "none.xlsx"), "--bureau", str(roster)
    )
    assert code != 0
    assert "找不到文件" in err
    code, _out, err = _invoke(
        "--month", "2026-13", "--roster", str(roster), "--bureau", str(roster)
    )
    assert code != 0
    assert "YYYY-MM" in err


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    roster, _bill = _files(tmp_path)
    huge = tmp_path / "huge.xlsx"
    with huge.open("wb") as out:  # 200 MB, sparse: the size is what is checked first
        out.truncate(200 * 1024 * 1024)
    code, _out, err = _invoke("--month", "2026-11", "--roster", str(roster), "--bureau", str(huge))
    assert code != 0
    assert "文件太大" in err


def test_the_workbook_has_a_sheet_per_class_ids_as_text_and_no_live_formula(
    tmp_path: Path,
) -> None:
    roster, bill = _files(tmp_path, evil_name=True)
    output = tmp_path / "result.xlsx"
    code, out, _err = _invoke(
        "--month", "2026-11", "--roster", str(roster), "--bureau", str(bill),
        "--format", "xlsx", "--output", str(output),
    )  # fmt: skip
    assert code == 0, out
    book = CalamineWorkbook.from_path(str(output))
    assert book.sheet_names[0].startswith("汇总")
    assert "名册中没有" in book.sheet_names
    strangers = book.get_sheet_by_name("名册中没有").to_python()
    assert strangers[0][:2] == ["身份证号码", "姓名"]
    ids = [row[0] for row in strangers[1:]]
    assert all(isinstance(i, str) and len(i) == 18 for i in ids)  # text, all 18 characters
    assert f"'{EVIL}" in [row[1] for row in strangers[1:]]
    with zipfile.ZipFile(output) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = {n: archive.read(n).decode() for n in sheets}
    assert not any("<f>" in text for text in xml.values())  # no formula anywhere
    assert all('state="frozen"' in text for text in xml.values())
    assert all(re.search(r"<autoFilter ref=", text) for text in xml.values())
