"""No whole resident ID number in any log line.

A log record factory masks 15- and 18-character ID-number patterns in the message, its
arguments and its traceback as each record is created, so every logger and handler (uvicorn's
access log with its query strings, SQLAlchemy's error texts, our own) writes the masked form,
whatever logging configuration the server set up afterwards.
"""

import logging
import re
import traceback
from typing import Any

# 17 digits and a check character, or the old 15 digits; not inside a longer run of digits.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


def mask_ids(text: str) -> str:
    """3101**********1234 for every ID-number-shaped run in `text`."""
    return ID_PATTERN.sub(
        lambda m: m.group()[:4] + "*" * (len(m.group()) - 8) + m.group()[-4:], text
    )


def _masked_arg(value: Any) -> Any:
    if isinstance(value, str):
        return mask_ids(value)
    if isinstance(value, int | float | bool) or value is None:
        return value  # numbers keep %d / %.2f working; an int ID number is not a thing here
    text = str(value)
    masked = mask_ids(text)
    return masked if masked != text else value


def _mask_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = mask_ids(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_masked_arg(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _masked_arg(arg) for key, arg in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None:
        # Formatters reuse a set exc_text instead of formatting the traceback again.
        record.exc_text = mask_ids("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = mask_ids(record.stack_info)


_installed = False


def install() -> None:
    """Wrap the process's log record factory once (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
