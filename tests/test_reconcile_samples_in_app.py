"""The sample months through the app, on the database: a batch for the month, the sample
bill imported into it and reconciled against the sample roster uploaded as a roster import
(the command line's comparison, in the app) — the batch's items are exactly the expected
result. The roster cannot become the insured people as it is: some rows have a leaving date
before the hiring date (a stale leave from an earlier employment), which the roster import
refuses, by row."""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.core.clock import CHINA_TZ
from casetracker.reconcile import batch, jobs, roster_import
from casetracker.reconcile.classes import Month
from casetracker.reconcile.models import BatchItem
from tests.conftest import World

SAMPLES = Path(__file__).parent / "samples"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("folder", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_a_sample_month_through_the_app_gives_its_expected_items(
    session: Session, world: World, anna: User, folder: str
) -> None:
    here = SAMPLES / folder
    expected = json.loads((here / "expected.json").read_text(encoding="utf-8"))
    roster_content = (here / expected["roster"]).read_bytes()
    job = jobs.create(
        session=session,
        kind="roster",
        filename=expected["roster"],
        content=roster_content,
        actor=anna,
        now=NOW,
    )
    jobs.check_now(session=session, job=job, work=roster_import.preview)
    reasons = {e["reason"] for e in job.result["errors"]}  # (no client of the sample exists)
    assert all(r.startswith(("离职日期早于入职日期", "派遣单位不在客户名单中")) for r in reasons)
    case = batch.open_batch(
        session=session, region_id=world.local.id, month=Month.parse(expected["month"]),
        owner=anna, now=NOW,
    )  # fmt: skip
    bill = jobs.create(
        session=session,
        kind="bill",
        filename=expected["bureau"],
        content=(here / expected["bureau"]).read_bytes(),
        actor=anna,
        now=NOW,
        case_id=case.id,
    )
    jobs.check_now(session=session, job=bill, work=batch.bill_preview)
    steps = (
        ("import_bill", {"job_id": str(bill.id)}),
        ("reconcile", {"roster_job_id": str(job.id)}),
    )
    for name, fields in steps:
        case = case_service.fire(
            session=session, case=case, transition=name, version=case.version,
            raw_fields=fields, actor=anna, now=NOW,
        )  # fmt: skip
    found: dict[str, set[str]] = {}
    for item in session.scalars(select(BatchItem).where(BatchItem.case_id == case.id)):
        found.setdefault(item.category, set()).add(item.id_number)
    invalid = session.scalars(
        select(BatchItem).where(BatchItem.case_id == case.id, BatchItem.category == "invalid")
    ).all()
    assert len(invalid) == expected["invalid_count"]
    found.pop("invalid", None)
    wanted = {
        key: set(value) for key, value in expected.items() if isinstance(value, list) and value
    }
    assert found == wanted
