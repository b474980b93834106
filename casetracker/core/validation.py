"""Shared input types and the translation of pydantic errors into readable messages.

Every text field is stripped, length-capped to its column and refuses NUL characters
(PostgreSQL cannot store them), so bad input stops at the edge instead of in the database.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError

from casetracker.core.clock import CHINA_TZ
from casetracker.core.i18n import N_, _, translate
from casetracker.core.identifiers import (
    InvalidIdentifier,
    birth_date,
    normalise_credit_code,
    normalise_id_number,
)
from casetracker.core.money import parse_money

MAX_DB_INT = 2_147_483_647
MIN_DB_INT = -2_147_483_648
# ASCII digits only: str.isdigit() also says yes to "²" (which int() refuses) and to "١" or
# "１" (which int() reads as 1), and a number typed in another script is a typo, not a number.
_INTEGER = re.compile(r"-?[0-9]{1,10}")


def parse_int(text: str | None) -> int | None:
    """The one parser of integers sent as text (form fields, query values): optional minus,
    ASCII digits, within the database's integer range; None for anything else."""
    if text is None:
        return None
    candidate = text.strip()
    if not _INTEGER.fullmatch(candidate):
        return None
    number = int(candidate)
    return number if MIN_DB_INT <= number <= MAX_DB_INT else None


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("含有不允许的控制字符"))
    return value


def blank_to_none(value: Any) -> Any:
    """An empty form field or query parameter means 'not given'."""
    return None if isinstance(value, str) and not value.strip() else value


def _id_number(value: str) -> str:
    if not value.isascii():  # a regex \d also lets Arabic-Indic and full-width digits through
        raise ValueError(_("只能由数字和末位 X 组成"))
    try:
        return normalise_id_number(value)
    except InvalidIdentifier as exc:
        raise ValueError(translate(str(exc))) from exc


def _credit_code(value: str) -> str:
    try:
        return normalise_credit_code(value)
    except InvalidIdentifier as exc:
        raise ValueError(translate(str(exc))) from exc


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A stripped string of at most `max_length` characters, no NUL."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
        AfterValidator(_no_nul),
    ]


IdNumber = Annotated[str, Field(max_length=40), AfterValidator(_id_number)]
CreditCode = Annotated[str, Field(max_length=40), AfterValidator(_credit_code)]
PositiveId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
OptionalId = Annotated[PositiveId | None, BeforeValidator(blank_to_none)]


def _phone(value: str) -> str:
    if value and not PHONE.match(value):
        raise ValueError(_("只能包含数字、空格、+、-、括号和“转”"))
    return value


PHONE = re.compile(r"^[0-9+\-()（） 转]{3,30}$")
Phone = Annotated[
    str,
    Field(max_length=30),
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
    AfterValidator(_phone),
]
# Every date and time a person types lies in these years: nothing earlier is a record of this
# trade (no year 0201, no 1900), nothing later a plan, and the extremes would overflow in UTC.
# Each field's own rule (below, and the workflows' chronology) is stricter still.
EARLIEST_YEAR = 1950
LATEST_YEAR = 2100
# An accident reported more than three years after it happened is a typo, not a case (the
# recognition application itself is due within one year, 《工伤保险条例》第十七条).
ACCIDENT_LOOKBACK_YEARS = 3


def _bounded_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            _("日期应在 {first} 年至 {last} 年之间").format(first=EARLIEST_YEAR, last=LATEST_YEAR)
        )
    return value


def _bounded_moment(value: datetime) -> datetime:
    """A time within the bounds; a time without an offset is China time."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            _("时间应在 {first} 年至 {last} 年之间").format(first=EARLIEST_YEAR, last=LATEST_YEAR)
        )
    return value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)


def parse_day(text: str) -> date:
    """A date typed as YYYY-MM-DD, within the bounds; ValueError says what is wrong."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("日期格式应为 YYYY-MM-DD")) from None
    return _bounded_day(day)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 time within the bounds, China time when it has no offset (a bare date is
    00:00 that day); ValueError says what is wrong."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("时间应写成 年-月-日 时:分，例如 2026-11-20 22:30")) from None
    return _bounded_moment(moment)


Day = Annotated[date, AfterValidator(_bounded_day)]
Moment = Annotated[datetime, AfterValidator(_bounded_moment)]
OptionalDay = Annotated[Day | None, BeforeValidator(blank_to_none)]
OptionalMoment = Annotated[Moment | None, BeforeValidator(blank_to_none)]

MIN_WORKING_AGE = 16


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_hire_on(hire_on: date, id_number: str | None, today: date) -> date:
    """The one rule for a hire date, on every form and API: not in the future, and at 16 or
    older (《劳动法》第十五条)."""
    if hire_on > today:
        raise ValueError(_("不能晚于今天（{today}）").format(today=today.isoformat()))
    if id_number and hire_on < add_years(birth_date(id_number), MIN_WORKING_AGE):
        raise ValueError(_("入职时未满 16 周岁（《劳动法》第十五条），请核对入职日期或身份证号码"))
    return hire_on


def accident_problem(
    accident_at: datetime, *, now: datetime, hire_on: date | None, born: date | None
) -> str | None:
    """Why an accident time cannot be right, or None: in the future, more than three years
    ago, before the employee's hire date, or before their 16th birthday."""
    day = accident_at.astimezone(CHINA_TZ).date()
    today = now.astimezone(CHINA_TZ).date()
    earliest = add_years(today, -ACCIDENT_LOOKBACK_YEARS)
    if accident_at > now:
        return _("事故时间：不能晚于当前时间")
    if day < earliest:
        return _("事故时间：不能早于 {years} 年前（{day}），请核对年份").format(
            years=ACCIDENT_LOOKBACK_YEARS, day=earliest.isoformat()
        )
    if hire_on is not None and day < hire_on:
        return _("事故时间：早于该员工的入职日期 {hire}，请核对").format(hire=hire_on.isoformat())
    if born is not None and day < add_years(born, MIN_WORKING_AGE):
        return _("事故时间：员工当时未满 16 周岁（《劳动法》第十五条），请核对事故时间或身份证号码")
    return None


PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


def _money_text(value: Any) -> Decimal:
    """Money travels as a string ("8000.00", separators allowed): a JSON number may be a float."""
    if not isinstance(value, str):
        raise ValueError(_("应为金额字符串，如“8000.00”"))
    return parse_money(value)


def _above_zero(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(_("应大于 0"))
    return value


MoneyText = Annotated[Decimal, BeforeValidator(_money_text)]
PositiveMoneyText = Annotated[Decimal, BeforeValidator(_money_text), AfterValidator(_above_zero)]

_MESSAGES: dict[str, str] = {
    "missing": N_("必填"),
    "string_too_short": N_("必填"),
    "string_too_long": N_("不能超过 {max_length} 个字符"),
    "string_type": N_("应为文字"),
    "int_parsing": N_("请填写数字，例如 3"),
    "int_type": N_("请填写数字，例如 3"),
    "int_from_float": N_("请填写数字，例如 3"),
    "greater_than_equal": N_("不能小于 {ge}"),
    "less_than_equal": N_("不能大于 {le}"),
    "greater_than": N_("应大于 {gt}"),
    "less_than": N_("应小于 {lt}"),
    "decimal_parsing": N_("应为数字，例如 8500.00"),
    "decimal_type": N_("应为数字，例如 8500.00"),
    "decimal_max_digits": N_("数字位数过多（最多 {max_digits} 位）"),
    "decimal_max_places": N_("最多 {decimal_places} 位小数"),
    "decimal_whole_digits": N_("整数部分位数过多"),
    "finite_number": N_("应为有限数字"),
    "date_from_datetime_parsing": N_("日期格式应为 YYYY-MM-DD"),
    "date_parsing": N_("日期格式应为 YYYY-MM-DD"),
    "date_type": N_("日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": N_("时间应写成 年-月-日 时:分，例如 2026-11-20 22:30"),
    "datetime_from_date_parsing": N_("时间应写成 年-月-日 时:分，例如 2026-11-20 22:30"),
    "bool_parsing": N_("应为是或否"),
    "literal_error": N_("不是允许的取值"),
    "enum": N_("不是允许的取值"),
    "json_invalid": N_("请求体不是有效的 JSON"),
    "model_type": N_("请求体格式不正确"),
    "model_attributes_type": N_("请求体格式不正确"),
    "dict_type": N_("请求体格式不正确"),
    "list_type": N_("应为列表"),
}


def describe_error(error: Any) -> str:
    """One pydantic error as a message in the request's language."""
    kind = error.get("type", "")
    if kind == "value_error":
        original = error.get("ctx", {}).get("error")
        return str(original) if original is not None else _("取值无效")
    template = _MESSAGES.get(kind)
    if template is None:
        return _("取值无效")
    ctx = {
        k: str(v)
        for k, v in error.get("ctx", {}).items()
        if isinstance(v, int | float | str | Decimal)
    }
    try:
        return translate(template).format(**ctx)
    except (KeyError, IndexError):
        return translate(template)


def field_label(model: type[BaseModel] | None, name: str) -> str:
    if model is not None and name in model.model_fields:
        title = model.model_fields[name].title
        if title:
            return translate(title)
    return name


def _nested_label(model: type[BaseModel] | None, loc: list[str]) -> str:
    """The label of the innermost field of `loc` (e.g. employee.id_number → 身份证号码)."""
    current: Any = model
    label = ".".join(loc)
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            break
        label = field_label(current, part)
        current = fields[part].annotation
    return label


def field_errors(exc: ValidationError, model: type[BaseModel] | None = None) -> dict[str, str]:
    """Map each failing field to `字段名：原因` (first error per field); nested fields are
    keyed `employee.id_number` and labelled by their own title."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        if len(loc) > 1:
            name = ".".join(loc)
            messages.setdefault(
                name,
                _("{label}：{message}").format(
                    label=_nested_label(model, loc), message=describe_error(error)
                ),
            )
            continue
        name = loc[0] if loc else "__root__"
        messages.setdefault(
            name,
            _("{label}：{message}").format(
                label=field_label(model, name), message=describe_error(error)
            ),
        )
    return messages


_BODY_MESSAGES: dict[str, str] = {
    "json_invalid": N_("不是有效的 JSON"),
    "missing": N_("必填"),
    "model_type": N_("应为 JSON 对象"),
    "model_attributes_type": N_("应为 JSON 对象"),
    "dict_type": N_("应为 JSON 对象"),
}


def request_errors(errors: Sequence[Any], body_model: type[BaseModel] | None) -> dict[str, str]:
    """FastAPI's validation errors (located in the body, query, path, header or cookie) as
    `field_errors` makes them: `字段名：原因`, body fields labelled by the body model's titles
    (`employee.name` → 员工姓名), a body that is no JSON object as one `body` error."""
    messages: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source, path = (loc[0], loc[1:]) if loc else ("body", [])
        kind = error.get("type", "")
        if source == "body" and (not path or kind == "json_invalid"):
            template = _BODY_MESSAGES.get(kind)
            message = translate(template) if template else describe_error(error)
            messages.setdefault(
                "body", _("{label}：{message}").format(label=_("请求体"), message=message)
            )
            continue
        name = ".".join(path) if path else source
        label = _nested_label(body_model if source == "body" else None, path or [source])
        messages.setdefault(
            name, _("{label}：{message}").format(label=label, message=describe_error(error))
        )
    return messages


def summary(errors: dict[str, str]) -> str:
    return "；".join(errors.values())
