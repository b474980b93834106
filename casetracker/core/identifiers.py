"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Checks come from python-stdnum; this module adds the normalisation the trade needs (a
lowercase x is accepted and stored upper-case), masking for display, and check-character
computation used by the demo data.
"""

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from casetracker.core.i18n import N_

RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidIdentifier(ValueError):
    """A value that fails its standard's format or check character; the message is Chinese."""


def normalise_id_number(value: str) -> str:
    """Return the 18-character resident ID number, upper-case, or raise InvalidIdentifier."""
    candidate = value.strip().upper()
    if len(candidate) != 18:
        raise InvalidIdentifier(N_("身份证号码应为 18 位"))
    try:
        return str(ric.validate(candidate))
    except ValidationError as exc:
        raise InvalidIdentifier(_ric_reason(candidate, exc)) from exc


def _ric_reason(candidate: str, exc: ValidationError) -> str:
    if not candidate[:17].isdigit() or candidate[17] not in "0123456789X":
        return N_("身份证号码只能由数字和末位 X 组成")
    if candidate[17] != ric_check_char(candidate[:17]):
        return N_("身份证号码校验位不正确")
    return N_("身份证号码中的出生日期或地区码无效")


def is_valid_id_number(value: str) -> bool:
    try:
        normalise_id_number(value)
    except InvalidIdentifier:
        return False
    return True


def normalise_credit_code(value: str) -> str:
    """Return the 18-character unified social credit code, upper-case, or raise."""
    candidate = value.strip().upper()
    if len(candidate) != 18:
        raise InvalidIdentifier(N_("统一社会信用代码应为 18 位"))
    if any(ch not in USCC_ALPHABET for ch in candidate):
        raise InvalidIdentifier(N_("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"))
    try:
        return str(uscc.validate(candidate))
    except ValidationError as exc:
        if candidate[17] != uscc_check_char(candidate[:17]):
            raise InvalidIdentifier(N_("统一社会信用代码校验位不正确")) from exc
        raise InvalidIdentifier(N_("统一社会信用代码格式无效")) from exc


def mask_id_number(value: str) -> str:
    """3101**********1234: the region prefix and last four stay, the birth date is hidden."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def ric_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RIC_WEIGHTS, strict=True))
    return RIC_CHECK[total % 11]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]
