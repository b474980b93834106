"""Benchmark: the in-app import of a month's bill on PostgreSQL, beside its floor.

100,000 insured people in one region, and the bill of `benchmarks/reconcile.py` (.xlsx,
100,000 lines, the planted differences). Timed, in this process, as the app runs them:

- **read** — the import job: the stored upload read and checked, its preview kept;
- **store + reconcile** — the confirmation: `import_bill` (every line stored, with its
  amounts) and `reconcile` (the differences with the region's people, stored as items);
- **floor** — reading the same bill with python-calamine and sending its rows to
  PostgreSQL with COPY, the least any import of it must do.

    CASETRACKER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/reconcile_import.py [--people 100000] [--rounds 3]

It creates and drops a database of its own beside the one named.
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, delete, insert, make_url, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import casetracker.case_types  # noqa: E402, F401  (registers the case types)
from casetracker.auth.models import Role, User  # noqa: E402
from casetracker.cases import service as case_service  # noqa: E402
from casetracker.core import migrations  # noqa: E402
from casetracker.core.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from casetracker.people.models import Client, InsuredPerson, Region  # noqa: E402
from casetracker.reconcile import batch, jobs  # noqa: E402
from casetracker.reconcile.classes import Month  # noqa: E402
from casetracker.reconcile.models import BatchDetails, BatchItem, BillLine, ImportJob  # noqa: E402

_spec = importlib.util.spec_from_file_location("cli_bench", ROOT / "benchmarks" / "reconcile.py")
assert _spec is not None
assert _spec.loader is not None
cli_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_bench)

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def seed(url: str, roster: Path) -> tuple[int, int]:
    """The region, a client, the owner and the roster's people; (region id, owner id)."""
    engine = make_engine(url)
    book = CalamineWorkbook.from_path(str(roster))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)[2:]
    with session_scope(make_sessionmaker(engine)) as session:
        region = Region(name="上海市", is_local=True, cutoff_day=15)
        session.add(region)
        session.flush()
        client = Client(
            name="基准客户",
            credit_code="91310000MA1FL4XX2C",
            default_region_id=region.id,
            created_at=NOW,
        )
        owner = User(
            username="spec01",
            display_name="专员一",
            role=Role.SPECIALIST,
            password_hash="x",
            created_at=NOW,
        )
        session.add_all([client, owner])
        session.flush()
        seen: set[str] = set()
        people = [
            {
                "name": name,
                "id_number": ident,
                "client_id": client.id,
                "region_id": region.id,
                "hire_on": date.fromisoformat(hired),
                "leave_on": date.fromisoformat(left) if left else None,
                "contribution_base": Decimal(str(base)),
                "phone": "",
                "created_at": NOW,
            }
            for name, ident, _client, hired, left, base in rows
            if not (ident in seen or seen.add(ident))  # (the generator repeats a few IDs)
        ]
        for start in range(0, len(people), 5000):
            session.execute(insert(InsuredPerson), people[start : start + 5000])
        region_id, owner_id = region.id, owner.id
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return region_id, owner_id


def floor(url: str, bill: Path) -> float:
    """calamine, then COPY of the rows' columns into a scratch table."""
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(bill))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)[3:-1]
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        conn.execute(
            "CREATE TEMP TABLE floor_lines (name text, id_number text, base text, total text)"
        )
        with conn.cursor().copy("COPY floor_lines FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row[1], row[2], row[3], row[13]))
    return time.perf_counter() - started


def app_import(url: str, bill: Path, region_id: int, owner_id: int) -> tuple[float, float, int]:
    """(read seconds, store + reconcile seconds, items found) for one import."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        for table in (BatchItem, BillLine, ImportJob, BatchDetails):
            session.execute(delete(table))
        for table_name in ("case_transitions", "clocks", "cases"):
            session.execute(text(f"DELETE FROM {table_name}"))
        owner = session.get(User, owner_id)
        assert owner is not None
        case = batch.open_batch(
            session=session, region_id=region_id, month=Month(2026, 11), owner=owner, now=NOW
        )
        job = jobs.create(
            session=session,
            kind=batch.BILL,
            filename=bill.name,
            content=bill.read_bytes(),
            actor=owner,
            now=NOW,
            case_id=case.id,
        )
        case_id, job_id = case.id, job.id
    started = time.perf_counter()
    jobs.run(factory, job_id, batch.bill_preview)
    read = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(factory) as session:
        owner = session.get(User, owner_id)
        case = case_service.require_case(session=session, case_id=case_id)
        assert owner is not None
        for name, fields in (("import_bill", {"job_id": str(job_id)}), ("reconcile", {})):
            case = case_service.fire(
                session=session,
                case=case,
                transition=name,
                version=case.version,
                raw_fields=fields,
                actor=owner,
                now=NOW,
            )
    stored = time.perf_counter() - started
    with session_scope(factory) as session:
        items = len(session.scalars(select(BatchItem.id).where(BatchItem.case_id == case_id)).all())
    engine.dispose()
    return read, stored, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = os.environ.get("CASETRACKER_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        sys.exit("set CASETRACKER_DATABASE_URL to a PostgreSQL database")
    name = f"ct_import_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(url)
        with tempfile.TemporaryDirectory(prefix="ct-import-") as tmp:
            roster, bill = cli_bench.write_files(Path(tmp), args.people)
            region_id, owner_id = seed(url, roster)
            print(
                f"seeded {args.people:,} people; bill {bill.stat().st_size // 1024:,} KB",
                flush=True,
            )
            floors, reads, stores = [], [], []
            for round_number in range(1, args.rounds + 1):
                floors.append(floor(url, bill))
                read, stored, items = app_import(url, bill, region_id, owner_id)
                reads.append(read)
                stores.append(stored)
                print(
                    f"  r{round_number} floor {floors[-1]:5.2f} s  read {read:5.2f} s"
                    f"  store+reconcile {stored:5.2f} s  ({items:,} items)",
                    flush=True,
                )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    f, r, s = (statistics.median(v) for v in (floors, reads, stores))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = datetime.now(UTC)
    lines = [
        f"# In-app bill import — {now:%Y-%m-%d}, commit {commit}",
        "",
        f"`benchmarks/reconcile_import.py --people {args.people} --rounds {args.rounds}` on"
        " PostgreSQL, 2 cores; medians.",
        "",
        "| step | s | × floor |",
        "|---|---|---|",
        f"| floor (calamine + COPY of the rows) | {f:.2f} | 1.00× |",
        f"| the import job (read, check, preview) | {r:.2f} | {r / f:.2f}× |",
        f"| confirm (store every line, reconcile, store the items) | {s:.2f} | {s / f:.2f}× |",
        f"| the whole import | {r + s:.2f} | {(r + s) / f:.2f}× |",
    ]
    print("\n".join(lines))
    results = ROOT / "benchmarks" / "results"
    path = results / f"reconcile-import-{now:%Y-%m-%dT%H%M}-{commit}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
