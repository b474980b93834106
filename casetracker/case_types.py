"""The duties this installation serves: one line each (its case type and its routers).

A new duty is its package (models, service, `case_type.py`, pages), its workflow module in
`casetracker/workflows/`, its migration and one `register(...)` line here.
"""

from fastapi import APIRouter

from casetracker.appraisal import api as appraisal_api
from casetracker.appraisal import views as appraisal_views
from casetracker.appraisal.case_type import CASE_TYPE as APPRAISAL
from casetracker.cases import registry
from casetracker.cases.types import CaseType
from casetracker.injury import api as injury_api
from casetracker.injury import views as injury_views
from casetracker.injury.case_type import CASE_TYPE as INJURY
from casetracker.packets import render
from casetracker.people import panels as person_panels
from casetracker.reconcile import views as reconcile_views
from casetracker.reconcile.case_type import CASE_TYPE as MONTHLY_BATCH
from casetracker.reconcile.case_type import DAILY_CASE_TYPE as DAILY_CHECK
from casetracker.reimbursement import api as reimbursement_api
from casetracker.reimbursement import views as reimbursement_views
from casetracker.reimbursement.case_type import CASE_TYPE as REIMBURSEMENT
from casetracker.web import templating

_ROUTERS: dict[str, tuple[APIRouter, ...]] = {}


def register(case_type: CaseType, *routers: APIRouter) -> None:
    registry.register(case_type)
    _ROUTERS[case_type.name] = routers
    if case_type.templates_dir is not None:
        templating.add_templates_dir(case_type.templates_dir)
    if case_type.forms_dir is not None:
        render.add_forms_dir(case_type.forms_dir)
    for panel in case_type.person_panels:
        person_panels.register(panel)


def unregister(name: str) -> None:
    registry.unregister(name)
    _ROUTERS.pop(name, None)


def routers() -> list[APIRouter]:
    """Every registered type's routers, for `create_app` to include."""
    return [router for name in registry.names() for router in _ROUTERS.get(name, ())]


register(INJURY, injury_views.router, injury_api.router)  # 工伤
register(MONTHLY_BATCH, reconcile_views.router)  # 月度增减员
register(DAILY_CHECK)  # 外地名单日常核对 (its pages are the reconciliation's)
register(APPRAISAL, appraisal_views.router, appraisal_api.router)  # 劳动能力鉴定
register(REIMBURSEMENT, reimbursement_views.router, reimbursement_api.router)  # 医疗费报销
