"""GB 11643 ID numbers and GB 32100 credit codes, through python-stdnum."""

import pytest

from casetracker.core.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    normalise_credit_code,
    normalise_id_number,
    ric_check_char,
)


def test_a_lowercase_x_is_accepted_and_stored_upper_case() -> None:
    assert normalise_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "校验位不正确"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100A2", "只能由数字"),
        ("11010519491331002" + ric_check_char("11010519491331002"), "出生日期无效"),
        ("31011520300101123" + ric_check_char("31011520300101123"), "出生日期无效"),
        ("99010519491231002" + ric_check_char("99010519491231002"), "地区码无效"),
    ],
)
def test_bad_id_numbers_say_why(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason):
        normalise_id_number(value)


def test_credit_codes_are_checked() -> None:
    assert normalise_credit_code("91310000ma1fl4xx2c") == "91310000MA1FL4XX2C"
    with pytest.raises(InvalidIdentifier, match="校验位不正确"):
        normalise_credit_code("91310000MA1FL4XX2E")
    with pytest.raises(InvalidIdentifier, match="不允许的字符"):
        normalise_credit_code("91310000MA1FL4XXIO")


def test_masking_keeps_the_region_and_the_last_four() -> None:
    assert mask_id_number("310101199003071234") == "3101**********1234"


def test_a_county_code_newer_than_the_holder_is_still_accepted() -> None:
    """Pudong's 310115 dates from 1993; people born earlier hold such numbers."""
    number = "31011519900307123" + ric_check_char("31011519900307123")
    assert normalise_id_number(number) == number
