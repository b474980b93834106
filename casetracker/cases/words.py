"""Clocks in words: time left (剩余 3 小时 / 已逾期 2 天) and how the due time was reached."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Protocol

from casetracker.calendar.periods import UNIT_LABELS, Unit
from casetracker.cases.models import Clock, ClockStatus
from casetracker.core.clock import local
from casetracker.core.i18n import _, current_locale, in_reader_language, translate


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


class ClockState(Protocol):
    """What the words for a clock's time need: a stored clock or a listed one."""

    @property
    def status(self) -> str: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def stopped_at(self) -> datetime | None: ...


def time_left(row: ClockState, now: datetime) -> str:
    if row.status == ClockStatus.REMINDER:  # never overdue: from its day on, it may be done
        if now < row.due_at:
            return _("{left}后可办理").format(left=span(row.due_at - now))
        return _("已可办理")
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


def urgency(row: ClockState, now: datetime) -> str:
    """overdue / due-soon (within 24 h) / ok / done: a CSS class and an API hint."""
    if row.status == ClockStatus.REMINDER:
        return "reminder"
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


def day_reason(text: str) -> str:
    """Why a day is (not) a working day, stored in Chinese (周日, 国庆节, 调休上班（春节）), in
    the reader's language; a name staff entered for their own year stays as entered."""
    if text.startswith("调休上班（") and text.endswith("）"):
        return _("调休上班（{holiday}）").format(holiday=translate(text[5:-1]))
    return translate(text)


def basis(text: str) -> str:
    """A clock's stored basis in the reader's language: a message id (《工伤保险条例》第十七条),
    or one followed by the region or contract it was set for (…（地方规定）：杭州市)."""
    head, sep, tail = text.partition("：")
    if sep and translate(head) != head:
        return f"{translate(head)}{'：' if _is_zh() else ': '}{tail}"
    return translate(text)


def _moment(value: object) -> str:
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return "—" if value in (None, "") else str(value)


def _recomputed(entry: dict[str, object]) -> str:
    at = local(datetime.fromisoformat(str(entry["at"]))).strftime("%Y-%m-%d %H:%M")
    previous = _moment(entry.get("previous_due_at"))
    what = entry.get("what")
    if what == "correction":
        return _("{at} 因更正「{field}」（{before} → {after}）重新计算，原到期 {previous}").format(
            at=at,
            field=in_reader_language(entry.get("label", "")),
            before=_moment(entry.get("before")),
            after=_moment(entry.get("after")),
            previous=previous,
        )
    if what == "reopen":
        return _("{at} 案件重新打开后重新计算，原到期 {previous}").format(at=at, previous=previous)
    if what == "calendar":
        return _("{at} 录入 {year} 年放假安排后重新计算，原到期 {previous}").format(
            at=at, year=entry.get("year"), previous=previous
        )
    return _("{at} 重新计算，原到期 {previous}").format(at=at, previous=previous)


def explain(row: Clock, event_label: Callable[[str], str] = translate) -> list[str]:
    """Each line a reason: basis, start, length, skipped and rolled days, pauses, caveats,
    recomputations. `event_label` names what started it in the reader's language (it is
    stored in Chinese: a workflow's label, or a message id)."""
    started = local(row.started_at)
    length = f"{row.length} {translate(UNIT_LABELS[Unit(row.unit)])}"
    lines = [
        _("依据：{basis}").format(basis=basis(row.basis)),
        _("起算：{event}，{at}").format(
            event=event_label(row.start_event), at=started.strftime("%Y-%m-%d %H:%M")
        ),
    ]
    if Unit(row.unit) is Unit.HOURS:
        lines.append(
            _("期限：{length}，按自然时间连续计算（含夜间、周末和节假日）").format(length=length)
        )
    else:
        lines.append(_("期限：{length}，起算当日不计入，到期日 24 时截止").format(length=length))
    for step in row.explanation.get("steps", []):
        action = step["action"]
        if action == "last_day":
            lines.append(_("未计中止期间的最后一日：{day}").format(day=_day(step["day"])))
            continue
        if action == "extended":
            lines.append(
                _("中止期间 {days} 日不计入，最后一日顺延至 {day}").format(
                    days=step["reason"], day=_day(step["day"])
                )
            )
            continue
        template = _("跳过 {day}：{reason}") if action == "skipped" else _("{day} 为{reason}，顺延")
        lines.append(template.format(day=_day(step["day"]), reason=day_reason(step["reason"])))
    for alternative in row.explanation.get("alternatives", []):
        due = local(datetime.fromisoformat(alternative["due_at"]))
        lines.append(
            _("另有规则「{basis}」到期 {due}，较宽，不采用").format(
                basis=basis(alternative["basis"]), due=due.strftime("%Y-%m-%d %H:%M")
            )
        )
    hours = Unit(row.unit) is Unit.HOURS
    for start_text, end_text in row.pauses:
        paused_from = local(datetime.fromisoformat(start_text))
        paused_to = local(datetime.fromisoformat(end_text))
        if hours:
            lines.append(
                _("暂停 {start} 至 {end}（{span}），到期时间相应顺延").format(
                    start=paused_from.strftime("%Y-%m-%d %H:%M"),
                    end=paused_to.strftime("%Y-%m-%d %H:%M"),
                    span=span(paused_to - paused_from),
                )
            )
        else:
            lines.append(
                _("中止 {start} 至 {end}（{days} 日），中止期间不计入期限").format(
                    start=_day(paused_from.date()),
                    end=_day(paused_to.date()),
                    days=(paused_to.date() - paused_from.date()).days,
                )
            )
    if row.status == ClockStatus.PAUSED and row.paused_at is not None:
        lines.append(
            _("自 {start} 起暂停中").format(start=local(row.paused_at).strftime("%Y-%m-%d %H:%M"))
        )
    if row.provisional:
        lines.append(_("临时计算：到期日所在年度的放假安排尚未录入，录入后自动重算"))
    for entry in row.explanation.get("recomputed", []):
        lines.append(_recomputed(entry))
    due = local(row.due_at)
    lines.append(_("到期：{due}").format(due=due.strftime("%Y-%m-%d %H:%M:%S")))
    return lines
