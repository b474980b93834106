"""Benchmark: the alert scan over 100,000 open clocks, and deliveries per second, on
PostgreSQL.

1. **Scan**: 100,000 open clocks with due times spread over 100 days; one catch-up scan
   raises what is already due, then scans a minute apart (as the scheduler runs them) each
   raise what crossed a level in that minute. Each is printed beside its floor, the one
   indexed query selecting the clocks whose next alert time has passed, sent straight
   through psycopg at the same moment; target: the scan within 2x the floor.
2. **Deliveries**: 10,000 alerts due at once to a local HTTP robot (merged 30 to a message,
   no rate limit): deliveries handed over per second.

    CASETRACKER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/alerts_scan.py [--clocks 100000] [--rounds 30]

It creates and drops a database of its own beside the one named.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, insert, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import casetracker.case_types  # noqa: E402, F401  (registers the case types)
from casetracker.alerts.deliver import deliver_pending  # noqa: E402
from casetracker.alerts.scan import scan  # noqa: E402
from casetracker.cases.models import Case, Clock  # noqa: E402
from casetracker.core import migrations  # noqa: E402
from casetracker.core.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from casetracker.core.settings import Settings  # noqa: E402

TARGET = 2.0
FLOOR_SQL = (
    "SELECT id FROM clocks WHERE status = 'open' AND next_alert_at <= %s ORDER BY id LIMIT 1000"
)
DAYS = 100


def seed(url: str, clocks: int, now: datetime) -> None:
    """Open recognition-decision clocks (warned 7 days ahead), due times spread over DAYS
    days; each is in the scan's way from its earliest possible alert, as the deadlines code
    leaves a clock that changed."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO regions (name, is_local, cutoff_day) VALUES ('本市', true, 15)")
        )
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, password_hash, is_active,"
                " failed_logins, created_at, email, alert_email) VALUES"
                " ('bench', 'bench', 'specialist', 'x', true, 0, now(), '', true),"
                " ('chief', 'chief', 'supervisor', 'x', true, 0, now(), '', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO clients (name, credit_code, contact_name, contact_phone,"
                " address, default_region_id, created_at) VALUES "
                "('客户', '91310000MA1FL4XX2C', '', '', '', 1, now())"
            )
        )
        cases = clocks // 2
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
        minutes = DAYS * 24 * 60
        rows = []
        for i in range(clocks):
            due = now + timedelta(minutes=(i * 7919) % minutes - 60)
            rows.append(
                {
                    "case_id": i // 2 + 1,
                    "kind": "recognition_decision",
                    "label": "认定决定",
                    "basis": "《工伤保险条例》第二十条",
                    "unit": "calendar_days",
                    "length": 60,
                    "started_at": now,
                    "start_event": "受理",
                    "due_at": due,
                    "status": "open",
                    "pauses": [],
                    "provisional": False,
                    "explanation": {},
                    "next_alert_at": due - timedelta(days=7),
                }
            )
        conn.execute(insert(Clock), rows)
        conn.execute(text("ANALYZE"))
    engine.dispose()


def robot() -> tuple[ThreadingHTTPServer, str, list[int]]:
    carried: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            carried.append(len(self.headers["X-Casetracker-Delivery"].split(",")))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "13")
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/robot", carried


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--deliveries", type=int, default=10_000)
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
    server, robot_url, carried = robot()
    try:
        migrations.upgrade(url)
        now = datetime.now(UTC).replace(microsecond=0)
        started = time.perf_counter()
        seed(url, args.clocks, now)
        print(f"seeded {args.clocks:,} open clocks in {time.perf_counter() - started:.1f} s")
        settings = Settings(database_url=url, secret_key="b" * 40, quiet_hours="off")
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        with session_scope(factory) as session:
            caught_up = scan(session=session, settings=settings, now=now)
        print(
            f"catch-up scan: {caught_up.looked_at:,} clocks looked at, {caught_up.raised:,}"
            f" alerts raised in {time.perf_counter() - started:.1f} s"
        )
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        scans, floors, raised = [], [], 0
        with psycopg.connect(dsn, autocommit=True) as raw:
            for k in range(1, args.rounds + 1):
                moment = now + timedelta(minutes=k)
                begun = time.perf_counter()
                with raw.cursor() as cursor:
                    cursor.execute(FLOOR_SQL, (moment,))
                    cursor.fetchall()
                floors.append(time.perf_counter() - begun)
                begun = time.perf_counter()
                with session_scope(factory) as session:
                    found = scan(session=session, settings=settings, now=moment)
                scans.append(time.perf_counter() - begun)
                raised += found.raised
        floor_s, scan_s = statistics.median(floors), statistics.median(scans)
        ratio = scan_s / floor_s

        # deliveries: overdue alerts for `--deliveries` clocks, to the robot at once
        engine.dispose()
        late = now + timedelta(days=DAYS)
        with psycopg.connect(dsn, autocommit=True) as raw:
            raw.execute(
                "UPDATE clocks SET next_alert_at = %s, alert_level = 1 WHERE id IN"
                " (SELECT id FROM clocks WHERE status = 'open' ORDER BY id LIMIT %s)",
                (late - timedelta(days=1), args.deliveries),
            )
            raw.execute("UPDATE clocks SET next_alert_at = NULL WHERE id > %s", (args.deliveries,))
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        config = settings.model_copy(
            update={"webhook_url": robot_url, "webhook_per_minute": 100_000}
        )
        with session_scope(factory) as session:
            scan(session=session, settings=config, now=late)
        with psycopg.connect(dsn, autocommit=True) as raw:  # the robot's deliveries only
            raw.execute(
                "DELETE FROM alert_deliveries WHERE channel <> 'webhook' AND status = 'pending'"
            )
            pending = raw.execute(
                "SELECT count(*) FROM alert_deliveries WHERE status = 'pending'"
            ).fetchone()
        begun = time.perf_counter()
        handed = deliver_pending(factory=factory, settings=config, now=lambda: late)
        delivery_s = time.perf_counter() - begun
        engine.dispose()
    finally:
        server.shutdown()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    print(f"scans a minute apart: {args.rounds}, {raised} alerts raised in all")
    print(f"floor (indexed SQL, psycopg): {floor_s * 1000:8.2f} ms  1.00x")
    print(
        f"scan (alerts.scan)          : {scan_s * 1000:8.2f} ms  {ratio:.2f}x "
        f"(target <= {TARGET:.1f}x): {'OK' if ratio <= TARGET else 'TOO SLOW'}"
    )
    print(
        f"deliveries: {handed:,} of {pending[0] if pending else 0:,} handed over to a local robot"
        f" in {len(carried):,} merged messages, {delivery_s:.1f} s:"
        f" {handed / delivery_s:,.0f} deliveries/s"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
