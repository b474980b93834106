"""Money as people write and read it: yuan to the cent, a Decimal, never a float."""

import re
from decimal import Decimal

from casetracker.core.i18n import _

_MONEY = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
CENT = Decimal("0.01")


def parse_money(text: str) -> Decimal:
    """Yuan to the cent, not negative: 12345.67 or 12,345.67 (ValueError otherwise)."""
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not _MONEY.fullmatch(cleaned):
        raise ValueError(_("应为金额（元，最多两位小数），如 12345.67"))
    return Decimal(cleaned).quantize(CENT)


def money_text(value: Decimal | None) -> str:
    """7,310.00; empty for no amount."""
    return f"{value:,.2f}" if value is not None else ""
