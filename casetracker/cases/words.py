"""Clocks in words: time left (剩余 3 小时 / 已逾期 2 天) and how the due time was reached."""

from datetime import date, datetime, timedelta

from casetracker.calendar.periods import UNIT_LABELS, Unit
from casetracker.cases.models import Clock, ClockStatus
from casetracker.core.clock import local
from casetracker.core.i18n import _, current_locale, translate


def span(delta: timedelta) -> str:
    """A duration as a person says it: 2 天 3 小时, 5 小时, 12 分钟."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("{d} 天 {h} 小时").format(d=days, h=hours) if hours else _("{d} 天").format(d=days)
    if hours:
        return _("{h} 小时").format(h=hours)
    return _("{m} 分钟").format(m=max(mins, 0))


def time_left(row: Clock, now: datetime) -> str:
    if row.status == ClockStatus.PAUSED and row.paused_at is not None:
        return _("已暂停（暂停时剩余 {left}）").format(left=span(row.due_at - row.paused_at))
    if row.status == ClockStatus.CANCELLED:
        return _("已取消")
    if row.status in (ClockStatus.MET, ClockStatus.MISSED) and row.stopped_at is not None:
        if row.stopped_at > row.due_at:
            return _("已完成，逾期 {late}").format(late=span(row.stopped_at - row.due_at))
        return _("已按时完成")
    if now > row.due_at:
        return _("已逾期 {late}").format(late=span(now - row.due_at))
    return _("剩余 {left}").format(left=span(row.due_at - now))


def urgency(row: Clock, now: datetime) -> str:
    """overdue / due-soon (within 24 h) / ok / done: a CSS class and an API hint."""
    if row.status != ClockStatus.OPEN:
        return "done" if row.status != ClockStatus.PAUSED else "paused"
    if now > row.due_at:
        return "overdue"
    return "due-soon" if row.due_at - now <= timedelta(hours=24) else "ok"


def _day(value: date | str) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return (
        f"{day.isoformat()}（{'一二三四五六日'[day.weekday()]}）"
        if _is_zh()
        else (f"{day.isoformat()} ({day.strftime('%a')})")
    )


def _is_zh() -> bool:
    return current_locale.get() != "en"


def explain(row: Clock) -> list[str]:
    """Each line a reason: basis, start, length, skipped and rolled days, pauses, caveats."""
    started = local(row.started_at)
    length = f"{row.length} {translate(UNIT_LABELS[Unit(row.unit)])}"
    lines = [
        _("依据：{basis}").format(basis=row.basis),
        _("起算：{event}，{at}").format(
            event=row.start_event, at=started.strftime("%Y-%m-%d %H:%M")
        ),
    ]
    if Unit(row.unit) is Unit.HOURS:
        lines.append(
            _("期限：{length}，按自然时间连续计算（含夜间、周末和节假日）").format(length=length)
        )
    else:
        lines.append(_("期限：{length}，起算当日不计入，到期日 24 时截止").format(length=length))
    for step in row.explanation.get("steps", []):
        template = (
            _("跳过 {day}：{reason}")
            if step["action"] == "skipped"
            else _("{day} 为{reason}，顺延")
        )
        lines.append(template.format(day=_day(step["day"]), reason=translate(step["reason"])))
    for alternative in row.explanation.get("alternatives", []):
        due = local(datetime.fromisoformat(alternative["due_at"]))
        lines.append(
            _("另有规则「{basis}」到期 {due}，较宽，不采用").format(
                basis=alternative["basis"], due=due.strftime("%Y-%m-%d %H:%M")
            )
        )
    for start_text, end_text in row.pauses:
        paused_from = local(datetime.fromisoformat(start_text))
        paused_to = local(datetime.fromisoformat(end_text))
        lines.append(
            _("暂停 {start} 至 {end}（{span}），到期时间相应顺延").format(
                start=paused_from.strftime("%Y-%m-%d %H:%M"),
                end=paused_to.strftime("%Y-%m-%d %H:%M"),
                span=span(paused_to - paused_from),
            )
        )
    if row.status == ClockStatus.PAUSED and row.paused_at is not None:
        lines.append(
            _("自 {start} 起暂停中").format(start=local(row.paused_at).strftime("%Y-%m-%d %H:%M"))
        )
    if row.provisional:
        lines.append(_("临时计算：到期日所在年度的放假安排尚未录入，录入后自动重算"))
    due = local(row.due_at)
    lines.append(_("到期：{due}").format(due=due.strftime("%Y-%m-%d %H:%M:%S")))
    return lines
