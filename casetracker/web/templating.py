"""Jinja2 pages: gettext from the request's language, CSRF token and formatting helpers."""

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import Response

from casetracker.audit import service as audit_service
from casetracker.auth.models import ROLE_LABELS, Role
from casetracker.cases import registry
from casetracker.cases.types import NavEntry
from casetracker.core import clock, i18n
from casetracker.core.identifiers import mask_id_number
from casetracker.core.money import money_text
from casetracker.core.paths import TEMPLATES
from casetracker.web.csrf import csrf_token

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader([str(TEMPLATES)]),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        # Templates ship with the code: no look at their files' times on every render.
        auto_reload=False,
    )
)
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True
)


def _fmt_datetime(value: datetime | None) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _minute(value: datetime) -> str:
    """An already local time to the minute (the lists print one per clock: isoformat is
    several times faster than strftime)."""
    return value.isoformat(" ", "minutes")[:16]


def _fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _shown(value: Any) -> str:
    """A stored value (timeline fields, corrections) as a person reads it: times in China
    time to the minute, yes/no in words, lists joined."""
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return i18n.gettext("是") if value else i18n.gettext("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):  # amounts by row id (an approval by invoice): #12 800.00
        return "、".join(f"#{key} {amount}" for key, amount in value.items())
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            return clock.local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def _input_value(value: Any, kind: str) -> str:
    """A stored value as an <input> of `kind` expects it (datetime-local: local, no zone)."""
    if value is None or value is False:
        return ""
    if kind == "datetime":
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return clock.local(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):  # amounts by row id, as typed: one `id=amount` a line
        return "\n".join(f"{key}={amount}" for key, amount in value.items())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _choices(items: list[Any], label: str) -> list[tuple[int, str]]:
    """Rows as (id, label) pairs for a <select>."""
    return [(item.id, getattr(item, label)) for item in items]


def _options(items: Iterable[Any], selected: object, label: str = "name") -> Markup:
    """A <select>'s options for rows with an id and a label, the selected one marked: one
    Python loop (a list page draws hundreds of clients on every view; a Jinja loop spent a
    tenth of the page's time on them)."""
    return Markup(
        "".join(
            f'<option value="{escape(item.id)}"{" selected" if item.id == selected else ""}>'
            f"{escape(getattr(item, label))}</option>"
            for item in items
        )
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _role_label(role: Role | str) -> str:
    return i18n.gettext(ROLE_LABELS[Role(role)])


templates.env.filters.update(
    datetime=_fmt_datetime,
    minute=_minute,
    date=_fmt_date,
    money=money_text,
    mask=mask_id_number,
    role=_role_label,
    choices=_choices,
    json=_json,
    shown=_shown,
    both=i18n.in_reader_language,
    input_value=_input_value,
)
templates.env.filters.update(
    action=audit_service.action_label, masked=audit_service.masked, translate=i18n.translate
)


def add_templates_dir(folder: Path) -> None:
    """Let pages include a case type's own partials (kept outside `templates/`)."""
    loader = templates.env.loader
    assert isinstance(loader, FileSystemLoader)
    if str(folder) not in loader.searchpath:
        loader.searchpath.append(str(folder))


def _case_nav() -> list[NavEntry]:
    """The header links the registered case types bring (their intake pages)."""
    return [entry for case_type in registry.all_types() for entry in case_type.nav]


templates.env.globals.update(locales=i18n.LOCALES, case_nav=_case_nav, options=_options)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page with the user, CSRF token and language every layout needs."""
    ctx: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "unread_alerts": getattr(request.state, "unread_alerts", 0),
        "csrf_token": csrf_token(request),
        "locale": i18n.current_locale.get(),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
