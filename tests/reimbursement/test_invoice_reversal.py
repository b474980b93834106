"""红冲: the hospital cancels an invoice and issues another in its place. The reversed one
stays listed, linked to its replacement, out of the total and out of any new claim; paper
the bureau holds or has approved cannot be reversed, and a refusal changes nothing."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.cases.models import Case
from tests.conftest import World, api_step, log_in, open_injury, page_csrf
from tests.reimbursement.conftest import RECEIPT


def _invoice(api: TestClient, case: Case, number: str, amount: str) -> int:
    answer = api.post(
        f"/api/v1/cases/{case.id}/invoices", json={**RECEIPT, "number": number, "amount": amount}
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _listed(api: TestClient, case: Case) -> dict[str, Any]:
    return dict(api.get(f"/api/v1/cases/{case.id}/invoices").json())


def _reverse(api: TestClient, invoice_id: int, replaced_by_id: Any) -> Any:
    return api.post(
        f"/api/v1/invoices/{invoice_id}/reversal", json={"replaced_by_id": replaced_by_id}
    )


def test_a_reversed_invoice_is_linked_to_its_replacement_and_leaves_the_total(
    api: TestClient, session: Session, injury: Case
) -> None:
    wrong = _invoice(api, injury, "0000000001", "120.00")
    right = _invoice(api, injury, "0000000002", "102.00")
    assert _listed(api, injury)["total"] == "222.00"
    answer = _reverse(api, wrong, right)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["replaced_by_id"]) == ("reversed", right)
    listed = _listed(api, injury)
    assert listed["total"] == "102.00"
    assert [i["status"] for i in listed["items"]] == ["reversed", "received"]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.invoice_reversed")
    ).one()
    assert event.after == {"invoice_id": wrong, "replaced_by_id": right, "status": "reversed"}

    claim = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [wrong]})
    assert claim.status_code == 409  # cancelled paper is never claimed
    assert _reverse(api, wrong, right).status_code == 409  # once is enough
    assert _reverse(api, right, wrong).status_code == 422  # a reversed one replaces nothing


def test_what_cannot_replace_or_be_reversed_changes_nothing(
    api: TestClient, session: Session, world: World, anna: User, injury: Case
) -> None:
    first = _invoice(api, injury, "0000000001", "50.00")
    second = _invoice(api, injury, "0000000002", "60.00")
    elsewhere = _invoice(
        api, open_injury(session, world, anna, "2026-11-21T10:00"), "0000000009", "9.00"
    )
    assert _reverse(api, first, first).status_code == 422
    assert _reverse(api, first, elsewhere).status_code == 422
    assert _reverse(api, first, 999999).status_code == 422
    assert _reverse(api, 999999, first).status_code == 404
    assert _reverse(api, first, "2").status_code == 422  # an id is a number, not text
    claim = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [first]}).json()
    in_draft = _reverse(api, first, second)
    assert in_draft.status_code == 409
    assert f"报销申请 #{claim['id']}" in in_draft.json()["detail"]
    api_step(api, claim, "submit", submitted_on="2026-11-24")
    submitted = _reverse(api, first, second)
    assert submitted.status_code == 409  # the bureau has it
    assert "不能红冲" in submitted.json()["detail"]
    assert [i["status"] for i in _listed(api, injury)["items"]] == ["submitted", "received"]
    assert _listed(api, injury)["total"] == "110.00"


def test_a_rejected_invoice_reversed_lets_its_claim_close(api: TestClient, injury: Case) -> None:
    paid = _invoice(api, injury, "0000000001", "300.00")
    rejected = _invoice(api, injury, "0000000002", "80.00")
    claim = api.post(
        f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [paid, rejected]}
    ).json()
    claim = api_step(api, claim, "submit", submitted_on="2026-11-24")
    claim = api_step(api, claim, "approve", approved_on="2026-11-25",
                     approved={str(paid): "300.00"}, rejection_reason="票面有误")  # fmt: skip
    claim = api_step(api, claim, "pay", paid_on="2026-11-26", paid_amount="300.00")
    claim = api_step(api, claim, "post", posted_on="2026-11-27", reference="记-0001")
    assert (
        api.post(f"/api/v1/invoices/{paid}/original", json={"outcome": "kept"}).status_code == 200
    )
    reissued = _invoice(api, injury, "0000000003", "80.00")
    assert _reverse(api, rejected, reissued).status_code == 200
    assert api_step(api, claim, "close")["state"] == "closed"
    again = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [reissued]})
    assert again.status_code == 201  # the new paper goes in the next claim
    assert _listed(api, injury)["total"] == "380.00"


def test_reversed_from_the_injury_page(
    client: TestClient, session: Session, anna: User, api: TestClient, injury: Case
) -> None:
    wrong = _invoice(api, injury, "0000000001", "120.00")
    right = _invoice(api, injury, "0000000002", "102.00")
    client.headers.pop("Authorization")
    log_in(client, anna)
    page = client.get(f"/cases/{injury.id}").text
    assert f'action="/invoices/{wrong}/reversal"' in page
    token = page_csrf(client, f"/cases/{injury.id}")
    refused = client.post(
        f"/invoices/{wrong}/reversal", data={"csrf_token": token, "replaced_by_id": "x"}
    )
    assert refused.status_code == 422
    assert "替代票据应是本案件登记的另一张票据" in refused.text
    answer = client.post(
        f"/invoices/{wrong}/reversal", data={"csrf_token": token, "replaced_by_id": str(right)}
    )
    assert answer.status_code == 303
    page = client.get(f"/cases/{injury.id}").text
    assert f"已红冲 → 编号 {right}" in page
    assert 'data-amount="invoices">102.00' in page


def test_a_claim_withdrawn_before_submission_frees_its_invoices(
    api: TestClient, injury: Case
) -> None:
    wrong = _invoice(api, injury, "0000000001", "120.00")
    right = _invoice(api, injury, "0000000002", "102.00")
    claim = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [wrong]}).json()
    assert _reverse(api, wrong, right).status_code == 409
    closed = api_step(api, claim, "withdraw", reason="票面有误，医院红冲重开")
    assert closed["state"] == "closed"
    assert _reverse(api, wrong, right).status_code == 200
    again = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [right]})
    assert again.status_code == 201
