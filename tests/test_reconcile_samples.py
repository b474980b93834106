"""The sample months (real-shaped bureau bills and rosters in every file shape) reproduce
their expected results exactly, through the CLI's contract: every planted difference in
its class, nothing else, and each unreadable row reported once with its row number."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casetracker.cli import app

SAMPLES = Path(__file__).parent / "samples"
FOLDERS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def _run(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["reconcile", *args])
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_sample_month_gives_exactly_its_expected_result(folder: str) -> None:
    here = SAMPLES / folder
    expected = json.loads((here / "expected.json").read_text(encoding="utf-8"))
    found = _run(
        "--month",
        expected["month"],
        "--roster",
        str(here / expected["roster"]),
        "--bureau",
        str(here / expected["bureau"]),
        "--format",
        "json",
    )
    assert found["month"] == expected["month"]
    items = found["items"]
    assert isinstance(items, list)
    for category in (
        "to_enroll",
        "to_stop",
        "not_in_roster",
        "base_mismatch",
        "name_mismatch",
        "duplicate",
        "other_period",
    ):
        listed = [i["id_number"] for i in items if i["category"] == category]
        assert sorted(set(listed)) == sorted(expected.get(category, [])), category
        if category != "other_period":  # (one item per line: each has its period and type)
            assert len(listed) == len(set(listed)), category
    summary = found["summary"]
    assert isinstance(summary, dict)
    assert summary["invalid"] == expected["invalid_count"]
    errors = found["errors"]
    assert isinstance(errors, list)
    assert len(errors) == expected["invalid_count"]
    assert all(e["file"] == expected["bureau"] and e["row"] > 3 for e in errors), errors
    assert sum(summary.values()) == len(items) + len(errors)
