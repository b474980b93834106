"""Rules about a case that any domain may ask without knowing its workflow."""

from casetracker.cases.models import Case
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _


def require_open(case: Case, what: str) -> None:
    """A case in a final state (closed, withdrawn: entering one sets `closed_at`) takes no
    more work — uploads, follow-ups, reassignment: 422 saying why, nothing changed."""
    if case.closed_at is not None:
        message = _("案件已结束（已结案或已撤回），不能再{what}").format(what=what)
        raise Invalid(message, field_errors={"case": message})
