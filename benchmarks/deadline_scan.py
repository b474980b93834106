"""Benchmark: the clocks due within the next 24 h among 100,000 open clocks, on PostgreSQL.

Prints the service call (`cases.service.clocks_due_within`) beside its floor, one plain
indexed SQL query over the same rows sent straight through psycopg, both measured in this
run, and the ratio. Target: the service within 2x the floor.

    CASETRACKER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/deadline_scan.py [--clocks 100000] [--rounds 30]

It creates and drops a database of its own beside the one named.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, insert, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from casetracker.cases import service as case_service  # noqa: E402
from casetracker.cases.models import Case, Clock  # noqa: E402
from casetracker.core import migrations  # noqa: E402
from casetracker.core.db import make_engine, make_sessionmaker  # noqa: E402

TARGET = 2.0
FLOOR_SQL = (
    "SELECT id, case_id, kind, label, due_at FROM clocks WHERE status = 'open' "
    "AND due_at >= %s AND due_at < %s ORDER BY due_at"
)


def best(fn: Callable[[], int], rounds: int) -> tuple[float, int]:
    """Median seconds of `rounds` warm runs, and the row count of the last."""
    fn()  # warm caches and the plan
    times, count = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def seed(url: str, clocks: int, now: datetime) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO regions (name, is_local, cutoff_day) VALUES ('本市', true, 15)")
        )
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, password_hash, "
                "is_active, failed_logins, created_at) VALUES "
                "('bench', 'bench', 'specialist', 'x', true, 0, now())"
            )
        )
        conn.execute(
            text(
                "INSERT INTO clients (name, credit_code, contact_name, contact_phone,"
                " address, default_region_id, created_at) VALUES "
                "('客户', '91310000MA1FL4XX2C', '', '', '', 1, now())"
            )
        )
        cases = clocks // 10
        conn.execute(
            insert(Case),
            [
                {
                    "type": "injury",
                    "state": "accepted",
                    "version": 1,
                    "title": "",
                    "client_id": 1,
                    "region_id": 1,
                    "owner_id": 1,
                    "opened_at": now,
                }
                for _ in range(cases)
            ],
        )
        minutes = 100 * 24 * 60  # due times spread over 100 days: ~1 % due within a day
        conn.execute(
            insert(Clock),
            [
                {
                    "case_id": i // 10 + 1,
                    "kind": "recognition_decision",
                    "label": "认定决定",
                    "basis": "《工伤保险条例》第二十条",
                    "unit": "calendar_days",
                    "length": 60,
                    "started_at": now,
                    "start_event": "受理",
                    "due_at": now + timedelta(minutes=(i * 7919) % minutes),
                    "status": "open",
                    "pauses": [],
                    "provisional": False,
                    "explanation": {},
                }
                for i in range(clocks)
            ],
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    base = os.environ.get("CASETRACKER_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        print("set CASETRACKER_DATABASE_URL to a PostgreSQL URL", file=sys.stderr)
        return 2
    name = f"ct_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(url)
        now = datetime.now(UTC)
        started = time.perf_counter()
        seed(url, args.clocks, now)
        print(f"seeded {args.clocks:,} open clocks in {time.perf_counter() - started:.1f} s")
        until = now + timedelta(hours=24)

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn) as raw:

            def floor() -> int:
                with raw.cursor() as cursor:
                    cursor.execute(FLOOR_SQL, (now, until))
                    return len(cursor.fetchall())

            floor_s, floor_rows = best(floor, args.rounds)
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN " + FLOOR_SQL, (now, until))
                plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])

        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        with factory() as session:
            service_s, service_rows = best(
                lambda: len(case_service.clocks_due_within(session=session, now=now, hours=24)),
                args.rounds,
            )
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    assert service_rows == floor_rows, (service_rows, floor_rows)
    ratio = service_s / floor_s
    print(f"plan: {plan}")
    print(f"rows due within 24 h: {service_rows:,} of {args.clocks:,}")
    print(f"floor   (plain indexed SQL, psycopg): {floor_s * 1000:8.2f} ms  1.00x")
    print(
        f"service (clocks_due_within)         : {service_s * 1000:8.2f} ms  {ratio:.2f}x "
        f"(target <= {TARGET:.1f}x): {'OK' if ratio <= TARGET else 'TOO SLOW'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
