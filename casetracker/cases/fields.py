"""Validation of the fields a transition requires, with messages that name each field."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.money import parse_money
from casetracker.core.validation import MAX_DB_INT, MIN_DB_INT, parse_day, parse_int, parse_moment
from casetracker.workflows.engine import FieldSpec, FieldType, TransitionSpec

TRUE = {True, "true", "1", "on", "yes", "是"}
FALSE = {False, None, "", "false", "0", "off", "no", "否"}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _parse(spec: FieldSpec, value: Any, now: datetime) -> Any:
    if spec.type is FieldType.BOOL:
        key = value.strip().lower() if isinstance(value, str) else value
        if key in TRUE:
            return True
        if key in FALSE:
            return False
        raise ValueError(_("应为是或否"))
    if spec.type is FieldType.LIST:
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(_("应为文字列表"))
        cleaned = [i.strip() for i in items if i.strip()]
        if not cleaned:
            raise ValueError(_("必填"))
        if any(len(i) > spec.max_length or "\x00" in i for i in cleaned) or len(cleaned) > 100:
            raise ValueError(_("内容过长或含有不允许的字符"))
        return cleaned
    if spec.type is FieldType.INTEGER:
        return _integer(spec, value)
    if spec.type is FieldType.AMOUNTS:
        return _amounts(value)
    if not isinstance(value, str):
        raise ValueError(_("取值无效"))
    text = value.strip()
    if spec.type is FieldType.TEXT:
        if len(text) > spec.max_length:
            raise ValueError(_("不能超过 {max_length} 个字符").format(max_length=spec.max_length))
        if "\x00" in text:
            raise ValueError(_("含有不允许的控制字符"))
        return text
    if spec.type is FieldType.MONEY:
        return parse_money(text)
    if spec.type is FieldType.DATE:
        day = parse_day(text)  # within the years every date must lie in
        if day > now.astimezone(CHINA_TZ).date():
            raise ValueError(_("不能晚于今天"))
        return day
    moment = parse_moment(text)  # bounded; a time typed at the desk is China time
    if moment > now:
        raise ValueError(_("不能晚于当前时间"))
    return moment


def _integer(spec: FieldSpec, value: Any) -> int:
    """A whole number (a JSON number or its digits as text) within the field's bounds."""
    number = (
        value
        if isinstance(value, int) and not isinstance(value, bool)
        else parse_int(value)
        if isinstance(value, str)
        else None
    )
    if number is None:
        raise ValueError(_("应为整数"))
    low = spec.minimum if spec.minimum is not None else MIN_DB_INT
    high = spec.maximum if spec.maximum is not None else MAX_DB_INT
    if not low <= number <= high:
        raise ValueError(_("应在 {low} 到 {high} 之间").format(low=low, high=high))
    return number


def _amounts(value: Any) -> dict[int, Decimal]:
    """Amounts by row id, e.g. an approval by invoice: {"12": "800.00"} (ids as JSON keys),
    or typed in a form as `12=800.00`, one a line (or separated by ；)."""
    if isinstance(value, str):
        pairs = [p for p in value.replace("；", "\n").replace(";", "\n").splitlines() if p.strip()]
        value = dict(
            (p.replace("：", "=").replace(":", "=").split("=", 1) + [""])[:2] for p in pairs
        )
        value = {k.strip(): v.strip() for k, v in value.items()}
    if not isinstance(value, dict) or not value or len(value) > 1000:
        raise ValueError(_("应按编号列出金额：每行一项“编号=金额”（或以；分隔），如 12=800.00"))
    found: dict[int, Decimal] = {}
    for key, amount in value.items():
        number = parse_int(str(key))
        if number is None or number < 1 or not isinstance(amount, str):
            raise ValueError(_("编号 {key}：应为正整数编号和金额字符串").format(key=str(key)[:20]))
        found[number] = parse_money(amount)
    return found


def validate(
    transition: TransitionSpec, raw: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], datetime]:
    """The transition's fields, parsed, and the event time (its event field, else now)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in transition.fields:
        value = raw.get(spec.name)
        try:
            if _blank(value):
                if spec.required:
                    raise ValueError(_("必填"))
                values[spec.name] = False if spec.type is FieldType.BOOL else None
                continue
            values[spec.name] = _parse(spec, value, now)
        except ValueError as exc:
            errors[spec.name] = _("{label}：{message}").format(
                label=str(spec.label), message=str(exc)
            )
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    return values, event_time(transition, values, now)


def parse_one(spec: FieldSpec, value: Any, now: datetime) -> Any:
    """One field by the same rules, e.g. an intake fact being corrected; refused with the
    field named."""
    try:
        if _blank(value):
            if spec.required:
                raise ValueError(_("必填"))
            return False if spec.type is FieldType.BOOL else None
        return _parse(spec, value, now)
    except ValueError as exc:
        message = _("{label}：{message}").format(label=str(spec.label), message=str(exc))
        raise Invalid(message, field_errors={spec.name: message}) from None


def event_time(transition: TransitionSpec, values: dict[str, Any], now: datetime) -> datetime:
    value = values.get(transition.event_field) if transition.event_field else None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=CHINA_TZ)
    return now


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value) if isinstance(value, Decimal) else value


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in values.items()}
