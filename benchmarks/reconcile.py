"""Benchmark: `casetracker reconcile` on a large month, beside its floor.

A roster of 100,000 people and a bureau bill of 100,000 lines (.xlsx, both with a title row,
the bill with a two-row header, amounts per insurance and a 合计 row; about 1 % of the people
planted in each class) are written once with xlsxwriter. Then, taking turns for `--rounds`
rounds, each in a fresh process as a user runs it:

- **floor**: reading both files with python-calamine and a dict join on the ID column, the
  least any reconciliation of these files must do;
- **CLI**: `casetracker reconcile --month 2026-11 --roster … --bureau … --format json
  --output …`, end to end (interpreter start, imports, reading, checking every row,
  classifying, writing the JSON).

Printed: the median wall time of each, the ratio, and the CLI's peak memory (its maximum
resident set). Targets: the CLI within 3 s and 1.5× the floor, under 500 MB.

    .venv/bin/python benchmarks/reconcile.py [--people 100000] [--rounds 5]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from casetracker.core.identifiers import ric_check_char  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_RATIO = 1.5
TARGET_MB = 500
FLOOR = """
import sys
from python_calamine import CalamineWorkbook

def rows(path, id_column):
    found = {}
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):
            if len(row) > id_column:
                found[row[id_column]] = row
    return found

roster, bill = rows(sys.argv[1], 1), rows(sys.argv[2], 2)
both = sum(1 for key in bill if key in roster)
print(len(roster), len(bill), both)
"""


def people(count: int, rng: random.Random) -> list[tuple[str, str]]:
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    found = []
    for n in range(count):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
        first17 = f"310{rng.randrange(100, 120):03d}{born:%Y%m%d}{n % 1000:03d}"
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        found.append((first17 + ric_check_char(first17), name))
    return found


def write_files(folder: Path, count: int) -> tuple[Path, Path]:
    rng = random.Random(20261130)
    everyone = people(count, rng)
    roster_path, bill_path = folder / "roster.xlsx", folder / "bill.xlsx"
    roster_book = xlsxwriter.Workbook(str(roster_path), {"constant_memory": True})
    roster = roster_book.add_worksheet("名册")
    roster.write_row(0, 0, ["员工名册（2026年11月）"])
    roster.write_row(1, 0, ["姓名", "身份证号", "派遣单位", "入职日期", "离职日期", "缴费基数"])
    bill_book = xlsxwriter.Workbook(str(bill_path), {"constant_memory": True})
    bill = bill_book.add_worksheet("明细")
    bill.write_row(0, 0, ["上海市社会保险费征缴计划明细（2026年11月）"])
    top = ["序号", "姓名", "证件号码", "申报基数", "费款所属期", "缴费类型"]
    top += ["养老保险", "", "医疗保险", "", "失业保险", "", "工伤保险", "合计"]
    bill.write_row(1, 0, top)
    bill.write_row(2, 0, ["", "", "", "", "", "", "单位", "个人", "单位", "个人", "单位", "个人"])
    roster_row, bill_row = 2, 3
    for n, (ident, name) in enumerate(everyone):
        kind = n % 100  # 0: to enrol, 1: to stop, 2: stranger, 3: base, 4: name, 5: twice
        base = 5000 + (n % 50) * 500
        left = "2026-09-30" if kind == 1 else ""
        if kind != 2:
            hired = f"{2015 + n % 11}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            roster.write_row(roster_row, 0, [name, ident, f"客户{n % 400}", hired, left, base])
            roster_row += 1
        if kind == 0:
            continue
        billed_base = base + 100 if kind == 3 else base
        billed_name = name + "某" if kind == 4 else name
        parts = [billed_base * r for r in (0.16, 0.08, 0.09, 0.02, 0.005, 0.005, 0.0026)]
        for _ in range(2 if kind == 5 else 1):
            bill.write_row(
                bill_row,
                0,
                [bill_row - 2, billed_name, ident, f"{billed_base:,.2f}", "202611", "正常"]
                + [round(p, 2) for p in parts]
                + [round(sum(parts), 2)],
            )
            bill_row += 1
    bill.write_row(bill_row, 0, [bill_row - 2, "合计"])
    roster_book.close()
    bill_book.close()
    return roster_path, bill_path


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(process.stderr.read().decode() if process.stderr else str(status))
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    cli = str(Path(python).with_name("casetracker"))
    with tempfile.TemporaryDirectory(prefix="ct-reconcile-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        roster, bill = write_files(folder, args.people)
        print(
            f"wrote {args.people:,} roster rows and the bill ({roster.stat().st_size // 1024:,}"
            f" KB + {bill.stat().st_size // 1024:,} KB .xlsx) in"
            f" {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        output = folder / "result.json"
        floors, runs, memory = [], [], []
        for round_number in range(1, args.rounds + 1):
            floor, _ = timed([python, "-c", FLOOR, str(roster), str(bill)])
            run, peak = timed(
                [cli, "reconcile", "--month", "2026-11", "--roster", str(roster)]
                + ["--bureau", str(bill), "--format", "json", "--output", str(output)]
            )
            floors.append(floor)
            runs.append(run)
            memory.append(peak)
            print(
                f"  r{round_number} floor {floor:5.2f} s  CLI {run:5.2f} s"
                f"  ({run / floor:.2f}×)  peak {peak:5.0f} MB",
                flush=True,
            )
    floor, run, peak = statistics.median(floors), statistics.median(runs), max(memory)
    ratio = statistics.median(r / f for r, f in zip(runs, floors, strict=True))
    ok = run <= TARGET_SECONDS and ratio <= TARGET_RATIO and peak <= TARGET_MB
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = datetime.now(UTC)
    lines = [
        f"# Reconciliation CLI — {now:%Y-%m-%d}, commit {commit}",
        "",
        f"`benchmarks/reconcile.py --people {args.people} --rounds {args.rounds}`, 2 cores."
        f" Targets: ≤ {TARGET_SECONDS} s, ≤ {TARGET_RATIO}× the floor, ≤ {TARGET_MB} MB.",
        "",
        "| run | median s | × floor | peak MB | ok |",
        "|---|---|---|---|---|",
        f"| floor (calamine + dict join) | {floor:.2f} | 1.00× | | |",
        f"| `casetracker reconcile` | {run:.2f} | {ratio:.2f}× | {peak:.0f}"
        f" | {'✓' if ok else '✗'} |",
    ]
    print("\n".join(lines))
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"reconcile-{now:%Y-%m-%dT%H%M}-{commit}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
