"""What the supervisors' daily summary email says (planned and sent by `alerts.summary`):
the team's open, overdue and due-today cases in all and by specialist, and the escalations
waiting for acknowledgement, with a link to the overview. In Chinese, as every alert."""

from datetime import date, datetime

from sqlalchemy.orm import Session

from casetracker.alerts.words import Text
from casetracker.core.clock import local
from casetracker.core.settings import Settings
from casetracker.overview import service

WAITING_SHOWN = 10  # escalations listed by name; the rest counted


def write(*, session: Session, settings: Settings, day: date, now: datetime) -> Text:
    seen = service.overview(session=session, now=now)
    total = seen.total
    lines = [
        f"每日汇总 {day.isoformat()}（截至 {local(now):%H:%M} 北京时间）",
        f"未结案件 {total.open} 件：已逾期 {total.overdue} 件，今日到期 {total.due_today} 件，"
        f"3 天内到期 {total.due_3d} 件",
    ]
    lines += [
        f"{row.label}：已逾期 {row.counts.overdue}，今日到期 {row.counts.due_today}，"
        f"未结 {row.counts.open}"
        for row in seen.by_owner
        if row.counts.overdue or row.counts.due_today
    ]
    lines.append(f"待主管确认的逾期上报：{len(seen.waiting)} 条")
    lines += [
        f"案件 #{w.case_id} {w.case_title}：{w.clock_label}，"
        f"{local(w.due_at):%Y-%m-%d %H:%M} 到期，负责人 {w.owner}，已上报 {w.repeat + 1} 次"
        for w in seen.waiting[:WAITING_SHOWN]
    ]
    if len(seen.waiting) > WAITING_SHOWN:
        lines.append(f"……另有 {len(seen.waiting) - WAITING_SHOWN} 条，见总览")
    return Text(
        subject=(
            f"【每日汇总】{day.isoformat()} 逾期 {total.overdue} 件 · "
            f"今日到期 {total.due_today} 件 · 待确认上报 {len(seen.waiting)} 条"
        ),
        lines=tuple(lines),
        link=f"{settings.base_url.rstrip('/')}/overview",
    )
