"""Rules about a case that any domain may ask without knowing its workflow."""

from casetracker.cases.models import Case
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, translate

# What a final case refuses, each as a whole sentence (so each translates as one).
NO_UPLOADS = N_("案件已结束（已结案或已撤回），不能再上传材料")
NO_FOLLOW_UPS = N_("案件已结束（已结案或已撤回），不能再安排跟进")
NO_REASSIGNMENT = N_("案件已结束（已结案或已撤回），不能再改派")
NO_CORRECTIONS = N_("案件已结束（已结案或已撤回），不能更正；如需更正，请主管先重新打开案件")


def require_open(case: Case, refusal: str) -> None:
    """A case in a final state (closed, withdrawn: entering one sets `closed_at`) takes no
    more work: 422 with `refusal` (one of the messages above), nothing changed."""
    if case.closed_at is not None:
        message = translate(refusal)
        raise Invalid(message, field_errors={"case": message})
