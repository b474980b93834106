"""Correcting a claim's recorded steps corrects the money with them: a corrected approval
changes each invoice's approved amount, the total and the shortfall; a corrected payment the
amount paid and the ledger. A step whose effect has no correction is refused. (A walk-through
found the record corrected and the amounts left as they were.)"""

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.workflows import reimbursement
from tests.conftest import api_fire, api_step, bearer, log_in, page_csrf
from tests.reimbursement.conftest import RECEIPT


def _claim(
    api: TestClient, injury: Case, *, approve: bool = True
) -> tuple[dict[str, Any], list[int]]:
    ids = []
    for number, amount in (("0000000001", "1000.00"), ("0000000002", "40.00")):
        answer = api.post(
            f"/api/v1/cases/{injury.id}/invoices",
            json={**RECEIPT, "number": number, "amount": amount},
        )
        ids.append(answer.json()["id"])
    claim = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": ids}).json()
    claim = api_step(api, claim, "submit", submitted_on="2026-11-24")
    if not approve:
        return claim, ids
    claim = api_step(api, claim, "approve", approved_on="2026-11-25",
                     approved={str(ids[0]): "800.00"}, rejection_reason="自费")  # fmt: skip
    return claim, ids


def _entry(claim: dict[str, Any], name: str) -> int:
    return int(next(e["id"] for e in claim["timeline"] if e["name"] == name))


def _correct(api: TestClient, claim: dict[str, Any], name: str, **fields: Any) -> Any:
    return api.post(
        f"/api/v1/cases/{claim['id']}/corrections",
        json={
            "version": claim["version"],
            "transition_id": _entry(claim, name),
            "fields": fields,
            "reason": "核准通知书更正",
        },  # fmt: skip
    )


def _invoices(api: TestClient, injury: Case) -> dict[str, tuple[str, str | None]]:
    items = api.get(f"/api/v1/cases/{injury.id}/invoices").json()["items"]
    return {i["number"]: (i["status"], i.get("approved_amount")) for i in items}


def test_a_corrected_approval_and_payment_correct_the_amounts_and_the_ledger(
    api: TestClient, session: Session, injury: Case
) -> None:
    claim, ids = _claim(api, injury)
    corrected = _correct(api, claim, "approve", approved={str(ids[0]): "900.00",
                                                          str(ids[1]): "40.00"})  # fmt: skip
    assert corrected.status_code == 200, corrected.text
    claim = corrected.json()
    assert {n: s for n, (s, _a) in _invoices(api, injury).items()} == {
        "0000000001": "approved", "0000000002": "approved"
    }  # fmt: skip
    zero = api_fire(api, claim, "pay", paid_on="2026-11-26", paid_amount="0.00")
    assert zero.status_code == 422  # 940.00 approved: nothing paid is no payment
    assert "应大于 0" in zero.text
    claim = api_step(api, claim, "pay", paid_on="2026-11-26", paid_amount="900.00")
    claim = api_step(api, claim, "post", posted_on="2026-11-27", reference="记-0001")
    below = _correct(api, claim, "approve", approved={str(ids[0]): "800.00"},
                     rejection_reason="自费")  # fmt: skip
    assert below.status_code == 422  # less than already paid
    assert "不能低于已到账金额 900.00" in below.text
    paid = _correct(api, claim, "pay", paid_amount="940.00")
    assert paid.status_code == 200, paid.text
    ledger = api.get("/api/v1/ledger", params={"month": "2026-11"}).json()
    assert ledger["total"] == "940.00"
    client = api
    client.headers.pop("Authorization")
    log_in(client, injury.owner)
    page = client.get(f"/cases/{claim['id']}").text
    assert 'data-amount="approved">940.00' in page
    assert "900.00" in page  # the corrected payment's history keeps what it was
    # The correction form shows an approval as typed, one `id=amount` a line.
    assert f"{ids[0]}=900.00\n{ids[1]}=40.00</textarea>" in page
    assert f"#{ids[0]} 900.00" in page  # and the history as a person reads it


def test_a_step_whose_effect_has_no_correction_is_refused(
    api: TestClient, injury: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim, ids = _claim(api, injury)
    entry = registry.get(reimbursement.TYPE)
    monkeypatch.setitem(registry._TYPES, reimbursement.TYPE, replace(entry, corrections={}))
    answer = _correct(api, claim, "approve", approved={str(ids[0]): "900.00"},
                      rejection_reason="自费")  # fmt: skip
    assert answer.status_code == 422
    assert "不能更正此步骤" in answer.text


def test_the_approval_is_typed_one_invoice_a_line(
    client: TestClient, session: Session, anna: User, api: TestClient, injury: Case
) -> None:
    claim, ids = _claim(api, injury, approve=False)
    client.headers.pop("Authorization")
    log_in(client, anna)
    page = client.get(f"/cases/{claim['id']}").text
    assert f'<tr data-invoice="{ids[0]}"><td>{ids[0]}</td>' in page  # the 编号 to type
    assert 'name="approved" rows="3"' in page  # a textarea: Enter starts the next line
    token = page_csrf(client, f"/cases/{claim['id']}")
    answer = client.post(
        f"/cases/{claim['id']}/transitions/approve",
        data={
            "csrf_token": token,
            "version": str(claim["version"]),
            "approved_on": "2026-11-25",
            "approved": f"{ids[0]}=800.00\n{ids[1]}=40.00\n",
        },  # fmt: skip
    )
    assert answer.status_code == 303, answer.text
    client.headers.update(bearer(session, anna))
    statuses = {n: s for n, (s, _a) in _invoices(api, injury).items()}
    assert statuses == {"0000000001": "approved", "0000000002": "approved"}
