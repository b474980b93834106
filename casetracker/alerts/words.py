"""What an alert says, in Chinese (the bureau's and the team's language): the case number,
client, employee (ID number masked, never whole), the clock, its due time in Asia/Shanghai,
the level and a link to the case."""

import html
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.alerts.models import LEVEL_LABELS, Alert, Level
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.core.clock import local
from casetracker.core.identifiers import mask_id_number
from casetracker.core.settings import Settings
from casetracker.people.models import Client, InsuredPerson


@dataclass(frozen=True)
class Text:
    """What a message says: a subject, a headline and its lines, and a link."""

    subject: str
    lines: tuple[str, ...]
    link: str

    @property
    def text(self) -> str:
        return "\n".join((*self.lines, self.link))

    @property
    def html(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines[1:])
        return (
            f"<p><strong>{html.escape(self.lines[0])}</strong></p><ul>{items}</ul>"
            f'<p><a href="{html.escape(self.link)}">{html.escape(self.link)}</a></p>'
        )

    @property
    def markdown(self) -> str:
        body = "\n".join(f"> {line}" for line in self.lines[1:])
        return f"**{self.lines[0]}**\n{body}\n[打开案件]({self.link})"


@dataclass(frozen=True)
class AlertText(Text):
    alert_id: int
    level: str


def employee(name: str | None, id_number: str | None) -> str:
    """The employee as alerts and the calendar feed name them: the ID number masked."""
    return f"{name}（{mask_id_number(id_number or '')}）" if name else "—"


def _due(moment: datetime) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def describe(*, session: Session, settings: Settings, alert_ids: list[int]) -> dict[int, AlertText]:
    """The words of each alert, read in one query."""
    rows = session.execute(
        select(Alert, Case, Client.name, InsuredPerson.name, InsuredPerson.id_number)
        .join(Case, Case.id == Alert.case_id)
        .outerjoin(Client, Client.id == Case.client_id)
        .outerjoin(InsuredPerson, InsuredPerson.id == Case.insured_id)
        .where(Alert.id.in_(alert_ids))
    ).all()
    found: dict[int, AlertText] = {}
    base = settings.base_url.rstrip("/")
    for alert, case, client, person, id_number in rows:
        workflow = registry.workflow(case.type)
        clock = workflow.clock_label(alert.clock_kind, alert.clock_kind)
        level = LEVEL_LABELS[Level(alert.level)]
        repeat = f"（第 {alert.repeat + 1} 次）" if alert.level == Level.ESCALATION else ""
        found[alert.id] = AlertText(
            alert_id=alert.id,
            level=alert.level,
            subject=f"【{level}】案件 #{case.id} {clock} {_due(alert.due_at)}",
            lines=(
                f"【{level}{repeat}】案件 #{case.id}：{clock}",
                f"客户：{client or '—'}",
                f"员工：{employee(person, id_number)}",
                f"时限：{clock}，{_due(alert.due_at)} 到期",
                f"提醒级别：{level}",
            ),
            link=f"{base}/cases/{case.id}",
        )
    return found
