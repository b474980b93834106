"""What the accident intake recorded that a specialist or supervisor may correct later."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.cases.types import IntakeField
from casetracker.core.clock import CHINA_TZ
from casetracker.core.i18n import _
from casetracker.core.identifiers import birth_date
from casetracker.core.validation import accident_problem
from casetracker.injury.models import InjuryDetails
from casetracker.workflows.engine import FieldSpec, FieldType, Label


def _details(session: Session, case: Case) -> InjuryDetails:
    details = session.get(InjuryDetails, case.id)
    if details is None:  # a case opened without its report (an import): start one
        details = InjuryDetails(case_id=case.id, accident_at=case.opened_at, place="")
        details.description = ""
        session.add(details)
    return details


def _column(name: str) -> tuple[Any, Any]:
    def read(session: Session, case: Case) -> Any:
        details = session.get(InjuryDetails, case.id)
        return getattr(details, name) if details else ""

    def write(session: Session, case: Case, value: Any) -> None:
        setattr(_details(session, case), name, value if value is not None else "")

    return read, write


def _text(name: str, zh: str, en: str, max_length: int, required: bool) -> IntakeField:
    read, write = _column(name)
    return IntakeField(
        FieldSpec(name, Label(zh, en), FieldType.TEXT, required=required, max_length=max_length),
        read,
        write,
    )


def _read_accident(session: Session, case: Case) -> datetime | None:
    details = session.get(InjuryDetails, case.id)
    return details.accident_at if details else None


def _write_accident(session: Session, case: Case, value: datetime) -> None:
    _details(session, case).accident_at = value
    if case.insured is not None:  # the title carries the accident's day
        case.title = _("{name} {date} 工伤").format(
            name=case.insured.name, date=value.astimezone(CHINA_TZ).strftime("%Y-%m-%d")
        )


def _accident_check(session: Session, case: Case, value: datetime, now: datetime) -> str | None:
    person = case.insured
    if person is None:
        return accident_problem(value, now=now, hire_on=None, born=None)
    return accident_problem(
        value, now=now, hire_on=person.hire_on, born=birth_date(person.id_number)
    )


INTAKE_FIELDS = (
    IntakeField(
        FieldSpec("accident_at", Label("事故时间", "Accident time"), FieldType.DATETIME),
        _read_accident,
        _write_accident,
        opening_event=True,
        check=_accident_check,
    ),
    _text("place", "事故地点", "Place", 200, True),
    _text("description", "事故经过", "What happened", 2000, True),
    _text("injured_part", "受伤部位", "Injured part", 100, False),
    _text("hospital", "就诊医院", "Hospital", 100, False),
    _text("reporter_name", "报告人", "Reporter", 50, False),
    _text("reporter_contact", "报告人联系方式", "Reporter's contact", 50, False),
)
