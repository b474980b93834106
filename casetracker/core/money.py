"""Money as people read it: yuan with thousands separators, to the cent."""

from decimal import Decimal


def money_text(value: Decimal | None) -> str:
    """7,310.00; empty for no amount."""
    return f"{value:,.2f}" if value is not None else ""
