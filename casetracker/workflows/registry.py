"""Every workflow by case type. A new case type is one module and one line here."""

from casetracker.core.errors import NotFound
from casetracker.core.i18n import _
from casetracker.workflows import injury
from casetracker.workflows.engine import Workflow

WORKFLOWS: dict[str, Workflow] = {w.type: w for w in (injury.WORKFLOW,)}


def get(case_type: str) -> Workflow:
    workflow = WORKFLOWS.get(case_type)
    if workflow is None:
        raise NotFound(_("未知的案件类型：{type}").format(type=case_type))
    return workflow
