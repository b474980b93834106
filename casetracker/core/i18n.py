"""Chinese first, English second, through Babel gettext catalogues.

Message ids are the Simplified Chinese text; `locale/en/LC_MESSAGES/messages.po` holds the
English. The catalogue is compiled in memory when first needed (no build step, no .mo file to
forget). The request's language lives in a context variable set by a middleware.
"""

from contextvars import ContextVar
from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from casetracker.core.paths import LOCALE

LOCALES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    po_path = LOCALE / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def translate(message: str) -> str:
    """gettext for a message id held in a variable (Babel extracts only literal `_()`)."""
    return gettext(message)


def in_locale(locale: str, message: str) -> str:
    """A message id in a given language, whatever the request's (a label kept in both)."""
    return translations(locale).gettext(message)


def in_reader_language(value: object) -> str:
    """A label stored in both languages ({"zh": …, "en": …}: a correction's field, a
    recomputation's cause) in the reader's language, Chinese when English is missing."""
    if isinstance(value, dict):
        wanted = "en" if current_locale.get() == "en" else "zh"
        return str(value.get(wanted) or value.get("zh") or "")
    return str(value)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel extracts
    """Mark a message for the catalogue without translating it yet (translated when shown)."""
    return message


def pick_locale(cookie: str | None) -> str:
    """Chinese unless the user chose English with the language switch (the `lang` cookie).

    The browser's Accept-Language is ignored on purpose: the desk is Chinese first, and an
    English-language browser on a Chinese desk should not flip the whole UI.
    """
    return cookie if cookie in LOCALES else DEFAULT_LOCALE
