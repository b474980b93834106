"""A deterministic large data set for the page benchmark (`benchmarks/pages.py`).

- 3 regions with their report terms, 5 sales reps, 200 clients, `insured` people (valid ID
  numbers, a tenth of them left), 10 specialists and a supervisor, one API token;
- a sample of injury cases walked through the services — intake, transitions with their
  event dates, uploads where the workflow needs them, contacts with follow-ups — so their
  clocks, timelines and explanations are real;
- the rest cloned from that sample in bulk: each clone is a sample case moved back by whole
  weeks (every stored time and every ISO date inside its JSON moved alike, so weekdays stay
  weekdays), with another client, person and owner; uploads copied inside the database.
  About 15 % of all cases stay open, the rest are closed or withdrawn over three years.
"""

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection

from casetracker import case_types, demo
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases import deadlines
from casetracker.cases import service as case_service
from casetracker.cases.models import Case, CaseTransition, Clock
from casetracker.contacts import service as contact_service
from casetracker.contacts.models import Contact
from casetracker.contacts.schemas import ContactIn
from casetracker.core.clock import CHINA_TZ
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.identifiers import ric_check_char, uscc_check_char
from casetracker.injury import service as injury_service
from casetracker.injury.case_type import regional_terms
from casetracker.injury.models import InjuryDetails
from casetracker.injury.schemas import AccidentIn
from casetracker.materials.models import Attachment
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep

PASSWORD = "bench-password-2026"
assert case_types  # registering the duties is what importing it does
SAMPLE = 240  # cases walked through the services
OPEN_SHARE = 0.15
REGIONS = (("上海市", True, 24), ("苏州市", False, 24), ("杭州市", False, 72))
# A sample case's path: its target state and the steps to it, each with the days after the
# accident it happened (None: recorded now, no event date).
PATHS: list[tuple[str, list[tuple[str, float | None]]]] = [
    ("reported", []),
    ("filed", [("file_report", 0.4)]),
    ("submitted", [("file_report", 0.4), ("submit_application", 6)]),
    ("accepted", [("file_report", 0.4), ("submit_application", 6), ("accept", 12)]),
    (
        "suspended",
        [("file_report", 0.4), ("submit_application", 6), ("accept", 12), ("suspend", 16)],
    ),
    (
        "closed",
        [
            ("file_report", 0.4),
            ("submit_application", 6),
            ("accept", 12),
            ("recognise", 40),
            ("close", None),
        ],
    ),
    (
        "not_recognised",
        [("file_report", 0.4), ("submit_application", 6), ("accept", 12), ("reject", 44)],
    ),
    ("withdrawn", [("file_report", 0.4), ("withdraw", None)]),
]
OPEN_STATES = {"reported", "filed", "submitted", "accepted", "suspended", "not_recognised"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")


@dataclass(frozen=True)
class Seeded:
    specialist: str
    supervisor: str
    password: str
    token: str
    region_id: int
    open_case_id: int
    open_cases: int
    surname: str
    last4: str


def _people(
    rng: random.Random, clients: list[Client], count: int, now: datetime
) -> list[dict[str, Any]]:
    rows, used = [], set()
    for index in range(count):
        client = clients[index % len(clients)]
        while True:
            born = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
            first17 = f"{rng.choice(demo.AREA_CODES)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
            number = first17 + ric_check_char(first17)
            if number not in used:
                used.add(number)
                break
        hired = born + timedelta(days=365 * 20 + rng.randrange(0, 365 * 12))
        hired = min(hired, now.date() - timedelta(days=400))
        rows.append(
            {
                "name": demo._name(rng),  # noqa: SLF001 - the demo's own name maker
                "id_number": number,
                "client_id": client.id,
                "region_id": client.default_region_id,
                "hire_on": hired,
                "leave_on": now.date() - timedelta(days=rng.randrange(1, 300))
                if (index // len(clients)) % 10 == 9
                else None,
                "contribution_base": f"{rng.randrange(6000, 30000)}.00",
                "phone": f"139{rng.randrange(0, 10**8):08d}",
                "created_at": now,
            }
        )
    return rows


def _reference(session: Any, rng: random.Random, insured: int, now: datetime) -> dict[str, Any]:
    regions = []
    for name, local, hours in REGIONS:
        region = Region(name=name, is_local=local, cutoff_day=15)
        session.add(region)
        session.flush()
        session.add_all(regional_terms(region, report_hours=hours, written_days=5))
        regions.append(region)
    reps = [SalesRep(name=f"业务员{i:02d}", phone=f"1381662{i:04d}") for i in range(5)]
    session.add_all(reps)
    users = [
        auth_service.add_user(
            session=session,
            username=f"spec{i:02d}",
            role=Role.SPECIALIST,
            password=PASSWORD,
            display_name=f"专员{i:02d}",
        )
        for i in range(1, 11)
    ]
    chief = auth_service.add_user(
        session=session,
        username="chief",
        role=Role.SUPERVISOR,
        password=PASSWORD,
        display_name="主管",
    )
    session.flush()
    clients = []
    for i in range(200):
        first17 = f"91{('310115', '320506', '330108')[i % 3]}MA{i:07d}"
        clients.append(
            Client(
                name=f"基准客户{i:03d}有限公司",
                credit_code=first17 + uscc_check_char(first17),
                contact_name="联系人",
                contact_phone="13800000000",
                sales_rep_id=reps[i % 5].id,
                owner_id=users[i % 10].id,
                default_region_id=regions[i % 3].id,
                created_at=now,
            )
        )
    session.add_all(clients)
    session.flush()
    rows = _people(rng, clients, insured, now)
    for start in range(0, len(rows), 5000):
        session.execute(insert(InsuredPerson), rows[start : start + 5000])
    token = auth_service.create_token(session=session, user=users[0], name="bench")
    return {"regions": regions, "users": users, "chief": chief, "clients": clients, "token": token}


def _walk(session: Any, rng: random.Random, ref: dict[str, Any], now: datetime) -> list[int]:
    """The sample: each path in turn, accidents spread over the last weeks."""
    ids: list[int] = []
    clients: list[Client] = ref["clients"]
    for index in range(SAMPLE):
        state, steps = PATHS[index % len(PATHS)]
        owner: User = ref["users"][index % 10]
        client = clients[rng.randrange(len(clients))]
        person = session.scalars(
            select(InsuredPerson)
            .where(InsuredPerson.client_id == client.id, InsuredPerson.leave_on.is_(None))
            .order_by(InsuredPerson.id)
            .offset(rng.randrange(0, 10))
            .limit(1)
        ).one()
        last = max((days or 0 for _, days in steps), default=0)
        accident = now - timedelta(days=last + 1 + rng.randrange(0, 20), hours=rng.randrange(0, 24))
        data = AccidentIn.model_validate(
            {
                "client_id": client.id,
                "employee": {"name": person.name, "id_number": person.id_number},
                "accident_at": accident.isoformat(),
                "place": "仓库装卸区",
                "description": "搬运货物时扭伤腰部",
                "injured_part": "腰部",
                "hospital": "市第六人民医院",
            }
        )
        case, _ = injury_service.record_accident(session=session, data=data, actor=owner, now=now)
        for name, days in steps:
            fields: dict[str, object] = {}
            if days is not None:
                moment = accident + timedelta(days=days)
                fields = {
                    "file_report": {"filed_at": moment.isoformat()},
                    "submit_application": {
                        "submitted_on": moment.astimezone(CHINA_TZ).date().isoformat()
                    },
                    "accept": {"accepted_on": moment.astimezone(CHINA_TZ).date().isoformat()},
                    "suspend": {
                        "suspended_on": moment.astimezone(CHINA_TZ).date().isoformat(),
                        "reason": "等待仲裁结果",
                    },
                    "recognise": {"decided_on": moment.astimezone(CHINA_TZ).date().isoformat()},
                    "reject": {"decided_on": moment.astimezone(CHINA_TZ).date().isoformat()},
                }[name]
            elif name == "withdraw":
                fields = {"reason": "员工称非工作原因"}
            if name == "submit_application":
                demo.attach_required_documents(session=session, case=case, actor=owner, now=now)
            case_service.fire(
                session=session,
                case=case,
                transition=name,
                version=case.version,
                raw_fields=fields,
                actor=owner,
                now=now,
            )
        contact_service.log_contact(
            session=session,
            case=case,
            data=ContactIn.model_validate(
                {
                    "party": "employee",
                    "channel": "phone",
                    "note": "电话回访伤情",
                    "follow_up_on": (now + timedelta(days=rng.randrange(1, 10))).date().isoformat()
                    if state in OPEN_STATES
                    else None,
                    "contacted_at": (accident + timedelta(hours=2)).isoformat(),
                }
            ),
            actor=owner,
            now=now,
        )
        ids.append(case.id)
        assert case.state == state, (case.state, state)
    return ids


def _shift(value: Any, delta: timedelta) -> Any:
    """Every time and ISO date inside a value moved back by `delta` (whole weeks)."""
    if isinstance(value, datetime):
        return value - delta
    if isinstance(value, date):
        return value - delta
    if isinstance(value, str) and ISO.match(value):
        if "T" in value:
            return (datetime.fromisoformat(value.replace("Z", "+00:00")) - delta).isoformat()
        return (date.fromisoformat(value) - delta).isoformat()
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    return value


def _rows(conn: Connection, table: Table, column: Any, ids: list[int]) -> list[dict[str, Any]]:
    return [
        dict(r._mapping)
        for r in conn.execute(
            select(table).where(column.in_(ids)).order_by(table.c.id if "id" in table.c else column)
        )
    ]  # noqa: SLF001


def _clone(
    conn: Connection, rng: random.Random, sample: list[int], total: int, ref: dict[str, Any]
) -> None:
    cases_t, trans_t, clocks_t = Case.__table__, CaseTransition.__table__, Clock.__table__
    details_t, contacts_t = InjuryDetails.__table__, Contact.__table__
    cases = {r["id"]: r for r in _rows(conn, cases_t, cases_t.c.id, sample)}
    by_case: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for name, table in (("t", trans_t), ("k", clocks_t), ("d", details_t), ("c", contacts_t)):
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in _rows(conn, table, table.c.case_id, sample):
            grouped.setdefault(row["case_id"], []).append(row)
        by_case[name] = grouped
    people: dict[int, list[tuple[int, str]]] = {}
    for pid, cid, name in conn.execute(
        select(InsuredPerson.id, InsuredPerson.client_id, InsuredPerson.name).where(
            InsuredPerson.leave_on.is_(None)
        )
    ):
        people.setdefault(cid, []).append((pid, name))
    clients_by_region: dict[int, list[int]] = {}
    for client in ref["clients"]:
        clients_by_region.setdefault(client.default_region_id, []).append(client.id)
    open_sample = [i for i in sample if cases[i]["closed_at"] is None]
    closed_sample = [i for i in sample if cases[i]["closed_at"] is not None]
    wanted_open = max(0, int(total * OPEN_SHARE) - len(open_sample))
    clones = total - len(sample)
    next_ids = {
        name: (conn.scalar(select(func.max(table.c.id))) or 0) + 1
        for name, table in (("case", cases_t), ("t", trans_t), ("k", clocks_t), ("c", contacts_t))
    }
    batch: dict[str, list[dict[str, Any]]] = {"case": [], "t": [], "k": [], "d": [], "c": []}
    mapping: list[dict[str, Any]] = []

    def flush() -> None:
        for name, table in (
            ("case", cases_t),
            ("t", trans_t),
            ("k", clocks_t),
            ("d", details_t),
            ("c", contacts_t),
        ):
            if batch[name]:
                conn.execute(insert(table), batch[name])
                batch[name] = []

    for n in range(clones):
        is_open = n < wanted_open
        source = (open_sample if is_open else closed_sample)[
            n % len(open_sample if is_open else closed_sample)
        ]
        weeks = rng.randrange(0, 5) if is_open else rng.randrange(1, 156)
        delta = timedelta(weeks=weeks)
        original = cases[source]
        client = rng.choice(clients_by_region[original["region_id"]])
        person_id, person_name = rng.choice(people[client])
        case_id = next_ids["case"]
        next_ids["case"] += 1
        owner = ref["users"][rng.randrange(10)].id
        row = _shift(dict(original), delta)
        row.update(
            id=case_id,
            client_id=client,
            insured_id=person_id,
            insured_name=person_name,
            owner_id=owner,
        )
        accident_day = by_case["d"][source][0]["accident_at"] - delta
        row["title"] = f"{person_name} {accident_day.astimezone(CHINA_TZ):%Y-%m-%d} 工伤"
        batch["case"].append(row)
        mapping.append({"new_id": case_id, "sample_id": source, "weeks": weeks})
        for key in ("t", "k", "c"):
            for child in by_case[key].get(source, []):
                copy = _shift(dict(child), delta)
                copy.update(id=next_ids[key], case_id=case_id)
                if key == "t" and copy.get("actor_id") is not None:
                    copy["actor_id"] = owner
                if key == "c":
                    copy["author_id"] = owner
                next_ids[key] += 1
                batch[key].append(copy)
        for child in by_case["d"].get(source, []):
            copy = _shift(dict(child), delta)
            copy["case_id"] = case_id
            batch["d"].append(copy)
        if len(batch["case"]) >= 2000:
            flush()
    flush()
    _copy_uploads(conn, mapping)
    if conn.dialect.name == "postgresql":  # SQLite's autoincrement follows the largest id
        for table in ("cases", "case_transitions", "clocks", "contacts"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )


def _copy_uploads(conn: Connection, mapping: list[dict[str, Any]]) -> None:
    """Each clone's uploads are its sample's, moved back alike: copied inside PostgreSQL;
    on SQLite (no interval arithmetic on its text times) through Python."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("CREATE TEMP TABLE clone_map (new_id int, sample_id int, weeks int)"))
        for start in range(0, len(mapping), 5000):
            conn.execute(
                text("INSERT INTO clone_map VALUES (:new_id, :sample_id, :weeks)"),
                mapping[start : start + 5000],
            )
        conn.execute(
            text(
                "INSERT INTO attachments (case_id, item_code, filename, content_type, size,"
                " sha256, content, uploaded_by_id, uploaded_at, status)"
                " SELECT m.new_id, a.item_code, a.filename, a.content_type, a.size, a.sha256,"
                " a.content, a.uploaded_by_id, a.uploaded_at - make_interval(weeks => m.weeks),"
                " a.status FROM clone_map m JOIN attachments a ON a.case_id = m.sample_id"
            )
        )
        return
    uploads_t = Attachment.__table__
    uploads: dict[int, list[dict[str, Any]]] = {}
    for row in conn.execute(select(uploads_t)):
        copy = dict(row._mapping)
        copy.pop("id")
        uploads.setdefault(copy["case_id"], []).append(copy)
    rows = [
        {
            **upload,
            "case_id": m["new_id"],
            "uploaded_at": upload["uploaded_at"] - timedelta(weeks=m["weeks"]),
        }
        for m in mapping
        for upload in uploads.get(m["sample_id"], [])
    ]
    for start in range(0, len(rows), 2000):
        conn.execute(insert(uploads_t), rows[start : start + 2000])


def seed(url: str, *, insured: int, cases: int, now: datetime) -> Seeded:
    rng = random.Random(20261203)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        ref = _reference(session, rng, insured, now)
        sample = _walk(session, rng, ref, now)
        deadlines.load_calendar(session)
    with engine.begin() as conn:
        _clone(conn, rng, sample, cases, ref)
    # As autovacuum would have by then: statistics, and the visibility map index-only
    # scans need (VACUUM cannot run inside a transaction).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    with engine.begin() as conn:
        open_cases = conn.scalar(
            select(func.count()).select_from(Case).where(Case.closed_at.is_(None))
        )
        open_case_id = conn.scalar(
            select(Case.id)
            .where(Case.closed_at.is_(None), Case.owner_id == ref["users"][0].id)
            .limit(1)
        )
        last4 = conn.scalar(
            select(InsuredPerson.id_number).order_by(InsuredPerson.id).offset(777).limit(1)
        )
    engine.dispose()
    return Seeded(
        specialist="spec01",
        supervisor="chief",
        password=PASSWORD,
        token=ref["token"],
        region_id=ref["regions"][0].id,
        open_case_id=open_case_id or 1,
        open_cases=open_cases or 0,
        surname="王",
        last4=(last4 or "0000")[-4:],
    )
