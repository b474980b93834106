"""Help pages: each workflow as a supervisor reads it, with its diagram."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from markupsafe import Markup
from starlette.responses import Response

from casetracker.calendar.periods import UNIT_LABELS
from casetracker.cases import registry
from casetracker.core.i18n import N_, translate
from casetracker.web.deps import require_role
from casetracker.web.templating import render
from casetracker.workflows import diagram

OP_LABELS = {
    "start": N_("开始"),
    "stop": N_("完成"),
    "pause": N_("暂停"),
    "resume": N_("恢复"),
    "cancel": N_("取消"),
}
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


@router.get("/workflows")
def workflow_index(request: Request) -> Response:
    return render(request, "workflows/index.html", {"workflows": registry.workflows()})


@router.get("/workflows/{case_type}")
def workflow_help(request: Request, case_type: Annotated[str, Path(max_length=30)]) -> Response:
    workflow = registry.workflow(case_type)
    try:
        svg: Markup | None = Markup(diagram.svg(workflow))  # our own dot output, labels escaped
    except diagram.DiagramUnavailable:
        svg = None
    return render(
        request,
        "workflows/help.html",
        {
            "workflow": workflow,
            "svg": svg,
            "unit_labels": {k.value: translate(v) for k, v in UNIT_LABELS.items()},
            "op_labels": {k: translate(v) for k, v in OP_LABELS.items()},
        },
    )
