"""Injury-case clocks through the engine: lengths, overrides, pauses, restarts, met/missed."""

from datetime import datetime

from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases import words
from casetracker.cases.models import Case, Clock, ClockStatus, ClockTerm
from casetracker.core.clock import CHINA_TZ
from tests.conftest import NOW, World, complete_materials, fire, open_injury


def clock(case: Case, kind: str, index: int = -1) -> Clock:
    return [c for c in case.clocks if c.kind == kind][index]


def due(case: Case, kind: str, index: int = -1) -> str:
    return clock(case, kind, index).due_at.astimezone(CHINA_TZ).isoformat()


def test_a_friday_night_accident_is_due_saturday_night(
    session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    assert case.state == "reported"
    assert due(case, "filing_report") == "2026-11-21T22:30:00+08:00"
    assert due(case, "recognition_application") == "2026-12-21T23:59:59+08:00"
    assert clock(case, "recognition_application").basis == "《工伤保险条例》第十七条"


def test_a_region_with_a_72_hour_window(session: Session, world: World, anna: User) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30", region=world.remote)
    assert due(case, "filing_report") == "2026-11-23T22:30:00+08:00"


def test_a_client_contract_of_12_hours_is_stricter_and_wins(
    session: Session, world: World, anna: User
) -> None:
    session.add(
        ClockTerm(
            client_id=world.client.id,
            case_type="injury",
            kind="filing_report",
            unit="hours",
            length=12,
            basis="客户合同第 5 条：12 小时内报告",
        )
    )
    session.commit()
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    row = clock(case, "filing_report")
    assert due(case, "filing_report") == "2026-11-21T10:30:00+08:00"
    assert row.basis == "客户合同第 5 条：12 小时内报告"
    assert any("较宽，不采用" in line for line in words.explain(row))


def test_filing_late_shows_how_late(session: Session, world: World, anna: User) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    fire(session, case, "file_report", anna, filed_at="2026-11-22T01:30:00+08:00")
    row = clock(case, "filing_report")
    assert row.status == ClockStatus.MISSED
    assert words.time_left(row, NOW) == "已完成，逾期 3 小时"
    assert due(case, "written_report") == "2026-11-27T23:59:59+08:00"  # 5 working days


def test_filing_on_time_is_met(session: Session, world: World, anna: User) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    fire(session, case, "file_report", anna, filed_at="2026-11-21T08:00")
    row = clock(case, "filing_report")
    assert row.status == ClockStatus.MET
    assert row.stopped_at == datetime(2026, 11, 21, 8, 0, tzinfo=CHINA_TZ)


def _submitted(session: Session, world: World, anna: User) -> Case:
    case = open_injury(session, world, anna, "2026-11-02T09:00")
    fire(session, case, "file_report", anna, filed_at="2026-11-02T15:00")
    complete_materials(session, case, anna)
    fire(session, case, "submit_application", anna, submitted_on="2026-11-05")
    return case


def test_submitting_starts_the_acceptance_review(
    session: Session, world: World, anna: User
) -> None:
    case = _submitted(session, world, anna)
    assert clock(case, "recognition_application").status == ClockStatus.MET
    assert due(case, "acceptance_review") == "2026-11-20T23:59:59+08:00"


def test_a_correction_restarts_the_acceptance_clock(
    session: Session, world: World, anna: User
) -> None:
    case = _submitted(session, world, anna)
    fire(
        session,
        case,
        "request_correction",
        anna,
        requested_on="2026-11-10",
        missing_items=["首诊病历", "劳动合同"],
    )
    assert clock(case, "acceptance_review").status == ClockStatus.MET
    fire(session, case, "resubmit", anna, submitted_on="2026-11-16")
    assert [c.status for c in case.clocks if c.kind == "acceptance_review"] == [
        ClockStatus.MET,
        ClockStatus.OPEN,
    ]
    assert due(case, "acceptance_review") == "2026-12-01T23:59:59+08:00"


def test_a_simple_case_is_decided_in_15_days(session: Session, world: World, anna: User) -> None:
    case = _submitted(session, world, anna)
    fire(session, case, "accept", anna, accepted_on="2026-11-09", simple=True)
    assert due(case, "recognition_decision") == "2026-11-24T23:59:59+08:00"


def test_suspension_pauses_the_decision_clock(session: Session, world: World, anna: User) -> None:
    case = _submitted(session, world, anna)
    fire(session, case, "accept", anna, accepted_on="2026-11-09")
    before = clock(case, "recognition_decision").due_at
    assert due(case, "recognition_decision") == "2027-01-08T23:59:59+08:00"
    fire(session, case, "suspend", anna, suspended_on="2026-11-12", reason="等待仲裁结果")
    row = clock(case, "recognition_decision")
    assert row.status == ClockStatus.PAUSED
    assert words.time_left(row, NOW).startswith("已暂停")
    fire(session, case, "resume", anna, resumed_on="2026-11-19")
    assert clock(case, "recognition_decision").status == ClockStatus.OPEN
    assert (row.due_at - before).days == 7
    assert any(
        "中止 2026-11-12（四） 至 2026-11-19（四）（7 日），中止期间不计入期限" in line
        for line in words.explain(row)
    )


def test_a_rejection_starts_the_appeal_clocks(session: Session, world: World, anna: User) -> None:
    case = _submitted(session, world, anna)
    fire(session, case, "accept", anna, accepted_on="2026-11-09")
    fire(session, case, "reject", anna, decided_on="2026-11-20")
    assert clock(case, "recognition_decision").status == ClockStatus.MET
    assert due(case, "appeal_review") == "2027-01-19T23:59:59+08:00"
    assert clock(case, "appeal_review").provisional is True
    assert due(case, "appeal_lawsuit") == "2027-05-20T23:59:59+08:00"
    fire(session, case, "close", anna)
    assert {c.status for c in case.clocks if c.kind.startswith("appeal")} == {ClockStatus.CANCELLED}
    assert case.closed_at is not None


def test_withdrawing_cancels_every_running_clock(
    session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    fire(session, case, "withdraw", anna, reason="员工本人放弃")
    assert {c.status for c in case.clocks} == {ClockStatus.CANCELLED}
    assert case.state == "withdrawn"


def test_time_left_reads_naturally(session: Session, world: World, anna: User) -> None:
    case = open_injury(session, world, anna, "2026-11-24T09:00")
    row = clock(case, "filing_report")
    assert words.time_left(row, NOW) == "剩余 21 小时"
    assert words.urgency(row, NOW) == "due-soon"
    late = datetime(2026, 11, 27, 9, 0, tzinfo=CHINA_TZ)
    assert words.time_left(row, late) == "已逾期 2 天"
    assert words.urgency(row, late) == "overdue"


def test_the_due_scan_finds_open_clocks_within_a_day(
    session: Session, world: World, anna: User
) -> None:
    from casetracker.cases import service as case_service

    soon = open_injury(session, world, anna, "2026-11-24T09:00")
    open_injury(session, world, anna, "2026-11-10T09:00")  # its report is overdue: not "due"
    due_rows = case_service.clocks_due_within(session=session, now=NOW, hours=24)
    assert [(r.case_id, r.kind) for r in due_rows] == [(soon.id, "filing_report")]
    assert due_rows[0].due_at == datetime(2026, 11, 25, 9, 0, tzinfo=CHINA_TZ)
