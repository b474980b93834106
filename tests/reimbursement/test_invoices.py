"""An injury's invoices through the API: one paper is one invoice however it is typed (full-
width digits, inner spaces) and on whatever case; a 数电票 without a code and a receipt with
one both recorded; amounts only as decimal strings above 0 with at most two decimals; the
total exact to the cent over a thousand odd amounts."""

import io
import random
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session

from casetracker.auth.models import Role, User
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.reconcile.classes import Month
from casetracker.reimbursement import invoices, ledger
from casetracker.reimbursement.models import InvoiceKind
from tests.conftest import World, api_fire, api_step, bearer, log_in, make_user, open_injury
from tests.reimbursement.conftest import RECEIPT
from tests.reimbursement.photos import photo_with, qr_png


def _post(api: TestClient, case: Case, **changes: Any) -> Any:
    return api.post(f"/api/v1/cases/{case.id}/invoices", json={**RECEIPT, **changes})


def test_a_receipt_and_an_e_invoice_without_a_code_are_recorded_and_totalled(
    api: TestClient, injury: Case
) -> None:
    receipt = _post(api, injury)
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["status"] == "received"
    assert receipt.json()["amount"] == "1234.57"
    digital = _post(api, injury, code="", number="26312000000012345678", amount="33.33",
                    kind="pharmacy")  # fmt: skip
    assert digital.status_code == 201, digital.text
    assert digital.json()["code"] == ""
    listed = api.get(f"/api/v1/cases/{injury.id}/invoices").json()
    assert [i["number"] for i in listed["items"]] == ["0012345678", "26312000000012345678"]
    assert listed["total"] == "1267.90"


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("３１０６０１２４", "００１２３４５６７８"),  # full-width digits
        ("3106 0124", "00123 45678"),  # inner spaces
        (" 31060124", "0012345678 "),
    ],
)
def test_the_same_paper_typed_otherwise_is_refused_naming_its_case(
    api: TestClient, session: Session, world: World, anna: User, injury: Case, code: str,
    number: str,
) -> None:  # fmt: skip
    assert _post(api, injury).status_code == 201
    other = open_injury(session, world, anna, "2026-11-21T10:00")
    again = _post(api, other, code=code, number=number, amount="99.00")  # amount is no identity
    assert again.status_code == 409
    assert f"案件 #{injury.id}" in again.json()["detail"]
    assert api.get(f"/api/v1/cases/{other.id}/invoices").json() == {"items": [], "total": "0.00"}


@pytest.mark.parametrize("amount", ["-1.00", "0", "0.00", "abc", "1.234", 12.5, 10, ""])
def test_an_amount_that_is_not_a_positive_decimal_string_is_refused(
    api: TestClient, injury: Case, amount: Any
) -> None:
    answer = _post(api, injury, amount=amount)
    assert answer.status_code == 422
    assert "amount" in answer.text
    assert api.get(f"/api/v1/cases/{injury.id}/invoices").json()["items"] == []


def test_other_bad_input_and_who_may_record(
    api: TestClient, client: TestClient, session: Session, injury: Case
) -> None:
    assert _post(api, injury, kind="dental").status_code == 422
    assert _post(api, injury, number="").status_code == 422
    assert _post(api, injury, issued_on="2999-01-01").status_code == 422
    assert _post(api, injury, number="12-34").status_code == 422
    stranger = make_user(session, "bruno", Role.SPECIALIST, "布鲁诺")
    client.headers.update(bearer(session, stranger))
    assert _post(client, injury).status_code == 403


def test_a_thousand_odd_amounts_sum_exactly(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    rng = random.Random(17)
    odd = ["0.01", "33.33", "1234.57", "0.99", "999999.99", "10.10", "7.07"]
    expected = Decimal("0.00")
    for n in range(1000):
        amount = Decimal(odd[n % len(odd)]) if n < 700 else Decimal(rng.randrange(1, 10**7)) / 100
        expected += amount
        invoices.add(
            session=session, case=injury, code="", number=f"{26000000000000000000 + n}",
            issued_on=clock.local(clock.now()).date(), hospital="医院", amount=amount,
            kind=InvoiceKind.OTHER, actor=anna, now=clock.now(),
        )  # fmt: skip
    session.commit()
    listed = api.get(f"/api/v1/cases/{injury.id}/invoices").json()
    assert len(listed["items"]) == 1000
    assert listed["total"] == f"{expected:.2f}"
    assert sum(Decimal(i["amount"]) for i in listed["items"]) == expected


# --- claims (a case type of their own) -------------------------------------------------------


def _statuses(api: TestClient, injury: Case) -> dict[str, str]:
    listed = api.get(f"/api/v1/cases/{injury.id}/invoices").json()["items"]
    return {i["number"]: i["status"] for i in listed}


@pytest.fixture
def three(api: TestClient, injury: Case) -> list[int]:
    ids = []
    for number, day, amount in (("0000000001", "2026-11-21", "1000.00"),
                                ("0000000002", "2026-11-23", "33.33"),
                                ("0000000003", "2026-11-22", "0.01")):  # fmt: skip
        answer = _post(api, injury, number=number, issued_on=day, amount=amount)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def test_a_claim_from_submission_to_close(api: TestClient, injury: Case, three: list[int]) -> None:
    opened = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": three})
    assert opened.status_code == 201, opened.text
    claim = opened.json()
    assert (claim["type"], claim["state"], claim["parent_id"]) == (
        "reimbursement",
        "draft",
        injury.id,
    )
    assert claim["event_at"].startswith("2026-11-23")  # the latest invoice's date
    assert [i["number"] for i in claim["invoices"]] == ["0000000001", "0000000002", "0000000003"]
    again = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": three[:1]})
    assert again.status_code == 409  # already in an open claim

    early = api_fire(api, claim, "submit", submitted_on="2026-11-22")  # before the latest invoice
    assert early.status_code == 422
    claim = api_step(api, claim, "submit", submitted_on="2026-11-24")
    clock_row = next(c for c in claim["clocks"] if c["kind"] == "reimbursement_processing")
    assert clock_row["due_at"] == "2026-12-22T23:59:59+08:00"  # 20 working days
    assert set(_statuses(api, injury).values()) == {"submitted"}

    over = api_fire(api, claim, "approve", approved_on="2026-11-25",
                 approved={str(three[0]): "1000.01"})  # fmt: skip
    assert over.status_code == 422
    assert "高于票据金额" in over.text
    no_reason = api_fire(api, claim, "approve", approved_on="2026-11-25",
                      approved={str(three[0]): "800.00", str(three[1]): "33.33"})  # fmt: skip
    assert no_reason.status_code == 422
    assert set(_statuses(api, injury).values()) == {"submitted"}  # nothing changed
    claim = api_step(api, claim, "approve", approved_on="2026-11-25",
                  approved={str(three[0]): "800.00", str(three[1]): "33.33"},
                  rejection_reason="自费药品不予报销")  # fmt: skip
    assert _statuses(api, injury) == {
        "0000000001": "approved", "0000000002": "approved", "0000000003": "rejected"
    }  # fmt: skip

    too_much = api_fire(api, claim, "pay", paid_on="2026-11-26", paid_amount="833.34")
    assert too_much.status_code == 422
    assert "高于核准总额 833.33" in too_much.text
    stale = api_fire(api, {**claim, "version": claim["version"] - 1}, "pay", paid_on="2026-11-26",
                  paid_amount="800.00")  # fmt: skip
    assert stale.status_code == 409
    claim = api_step(api, claim, "pay", paid_on="2026-11-26", paid_amount="800.00")
    claim = api_step(api, claim, "post", posted_on="2026-11-27", reference="记-2026-11-0457")
    assert claim["state"] == "posted"

    refused = api_fire(api, claim, "close")
    assert refused.status_code == 422
    assert "原件未取回" in refused.text
    for invoice_id, outcome in zip(three, ("returned", "kept", "returned"), strict=True):
        answer = api.post(f"/api/v1/invoices/{invoice_id}/original", json={"outcome": outcome})
        assert answer.status_code == 200, answer.text
    assert api_step(api, claim, "close")["state"] == "closed"


def test_an_invoice_of_another_case_or_unknown_cannot_be_claimed(
    api: TestClient, session: Session, world: World, anna: User, injury: Case, three: list[int]
) -> None:
    other = open_injury(session, world, anna, "2026-11-21T10:00")
    assert (
        api.post(f"/api/v1/cases/{other.id}/claims", json={"invoice_ids": three}).status_code == 422
    )
    assert (
        api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": []}).status_code == 422
    )
    assert (
        api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": [999999]}).status_code
        == 422
    )
    early = api.post(f"/api/v1/invoices/{three[0]}/original", json={"outcome": "returned"})
    assert early.status_code == 409  # still with us: nothing to take back


def test_a_thousand_odd_amounts_sum_exactly_through_a_claim_into_the_ledger_and_workbooks(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    odd = ["0.01", "33.33", "1234.57", "0.99", "10.10", "7.07", "99999.99"]
    expected = Decimal("0.00")
    ids = []
    now = clock.now()
    for n in range(1000):
        amount = Decimal(odd[n % len(odd)])
        expected += amount
        ids.append(
            invoices.add(
                session=session, case=injury, code="", number=f"{27000000000000000000 + n}",
                issued_on=clock.local(now).date(), hospital="医院", amount=amount,
                kind=InvoiceKind.OTHER, actor=anna, now=now,
            ).id
        )  # fmt: skip
    session.commit()
    claim = api.post(f"/api/v1/cases/{injury.id}/claims", json={"invoice_ids": ids}).json()
    today = clock.local(now).date().isoformat()
    claim = api_step(api, claim, "submit", submitted_on=today)
    rows = api.get(f"/api/v1/cases/{injury.id}/invoices").json()["items"]
    claim = api_step(api, claim, "approve", approved_on=today,
                  approved={str(i["id"]): i["amount"] for i in rows})  # fmt: skip
    claim = api_step(api, claim, "pay", paid_on=today, paid_amount=f"{expected:.2f}")
    claim = api_step(api, claim, "post", posted_on=today, reference="记-0001")
    month = today[:7]
    found = api.get("/api/v1/ledger", params={"month": month}).json()
    assert found["total"] == f"{expected:.2f}"
    assert found["clients"][0]["postings"][0]["amount"] == f"{expected:.2f}"
    page = api.get("/ledger", params={"month": month})
    assert page.status_code in (303, 401)  # the page is for a signed-in browser, not a token
    book = CalamineWorkbook.from_filelike(io.BytesIO(ledger.export(
        ledger.ledger(session=session, month=Month.parse(month)), str)))  # fmt: skip
    totals = book.get_sheet_by_name(f"按用工单位 {month}").to_python()
    assert totals[-1][0] == "合计"
    assert Decimal(str(totals[-1][2])).quantize(Decimal("0.01")) == expected
    assert api.get("/api/v1/ledger", params={"month": "2026-13"}).status_code == 422
    packet = api.post(f"/api/v1/cases/{claim['id']}/packets", json={"type": "invoice_list"})
    assert packet.status_code == 201, packet.text
    assert packet.json()["final"] is True
    pdf = api.get(packet.json()["url"]).content
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "工伤医疗费报销票据清单" in text
    assert f"合计{expected:,.2f}" in text


def test_the_ledger_page_and_the_invoices_workbook(
    client: TestClient, session: Session, anna: User, injury: Case, three: list[int]
) -> None:
    client.headers.pop("Authorization", None)
    log_in(client, anna)
    assert "上账台账" in client.get("/ledger").text
    assert client.get("/ledger", params={"month": "11-2026"}).status_code == 422
    answer = client.get(f"/cases/{injury.id}/invoices.xlsx")
    assert answer.status_code == 200
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
        .get_sheet_by_name("医疗票据")
        .to_python()
    )
    assert sheet[1][1] == "0000000001"  # numbers as text, leading zeros kept
    assert (sheet[1][4], sheet[1][7]) == ("门诊", "已收到")  # read as on the page, not as codes
    assert sheet[-1][0] == "合计"
    assert Decimal(str(sheet[-1][5])).quantize(Decimal("0.01")) == Decimal("1033.34")


# --- reading an invoice's QR code ------------------------------------------------------------


def _scan(api: TestClient, injury: Case, content: bytes, name: str = "scan.png") -> Any:
    return api.post(f"/api/v1/cases/{injury.id}/invoices/scan", files={"file": (name, content)})


def test_a_digital_invoices_code_prefills_its_number_date_and_amount(
    api: TestClient, injury: Case
) -> None:
    text = "01,32,,26312000000012345678,1234.57,20261121,,ABCD"
    answer = _scan(api, injury, photo_with(qr_png(text)), "photo.jpg")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "found": True, "code": "", "number": "26312000000012345678",
        "issued_on": "2026-11-21", "amount": "1234.57", "reason": "",
    }  # fmt: skip
    assert api.get(f"/api/v1/cases/{injury.id}/invoices").json()["items"] == []  # not saved


def test_a_medical_e_receipts_link_prefills_code_and_number(api: TestClient, injury: Case) -> None:
    link = "https://pjcy.example.gov.cn/check?billcode=31060124&billnumber=0012345678&total=88.50&date=2026-11-20&random=ab12cd"
    found = _scan(api, injury, qr_png(link)).json()
    assert (found["found"], found["code"], found["number"]) == (True, "31060124", "0012345678")
    assert (found["issued_on"], found["amount"]) == ("2026-11-20", "88.50")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not an image at all", "无法读取这张图片"),
        (None, "没有找到可读的二维码"),  # a plain image
        (b"qr:hello", "没有可识别的票据信息"),
    ],
)
def test_a_code_that_does_not_decode_says_so(
    api: TestClient, injury: Case, content: bytes | None, reason: str
) -> None:
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (300, 300), (255, 255, 255)).save(out, "PNG")
        content = out.getvalue()
    elif content.startswith(b"qr:"):
        content = qr_png(content[3:].decode())
    found = _scan(api, injury, content).json()
    assert found["found"] is False
    assert reason in found["reason"]
