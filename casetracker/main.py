"""create_app(): settings, database, middlewares, routers, error handlers."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from casetracker import case_types
from casetracker.admin import views as admin_views
from casetracker.alerts import api as alerts_api
from casetracker.alerts import scheduler as alert_scheduler
from casetracker.alerts import views as alerts_views
from casetracker.auth import views as auth_views
from casetracker.benefits import api as benefits_api
from casetracker.benefits import views as benefits_views
from casetracker.calendar import views as calendar_views
from casetracker.cases import api as cases_api
from casetracker.cases import views as cases_views
from casetracker.contacts import api as contacts_api
from casetracker.contacts import views as contacts_views
from casetracker.core import log_privacy
from casetracker.core.db import make_engine, make_sessionmaker
from casetracker.core.migrations import check_schema
from casetracker.core.paths import STATIC
from casetracker.core.settings import Settings, get_settings
from casetracker.desk import views as desk_views
from casetracker.desk.service import HeadCounts
from casetracker.materials import api as materials_api
from casetracker.materials import views as materials_views
from casetracker.overview import api as overview_api
from casetracker.overview import summary as daily_summary
from casetracker.overview import views as overview_views
from casetracker.packets import api as packet_api
from casetracker.packets import views as packet_views
from casetracker.people import api as people_api
from casetracker.people import views as people_views
from casetracker.web import errors, fonts
from casetracker.web.body_limit import BodyLimit
from casetracker.web.csrf import csrf_protect
from casetracker.web.db_retry import RetryReadOnDisconnect
from casetracker.web.middleware import LocaleAndHeaders
from casetracker.workflows import views as workflow_views

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    verify_schema: bool = True,
    run_alerts: bool = False,
) -> FastAPI:
    """Build the app. Tests pass their own session factory; `serve` passes nothing and runs
    the alert job in-process (`run_alerts`) unless CASETRACKER_SCHEDULER=off."""
    settings = settings or get_settings()
    log_privacy.install()
    if session_factory is None:
        engine = make_engine(settings.resolved_database_url)
        session_factory = make_sessionmaker(engine)
    factory = session_factory

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not settings.company_name:
            log.warning(
                "CASETRACKER_COMPANY_NAME 未设置：申报材料上的用人单位一栏将空着"
                " (company name not set: packets leave the employer's name empty)"
            )
        if verify_schema:
            bind = factory.kw["bind"]
            check_schema(bind.engine if hasattr(bind, "engine") else bind)
        background = (
            alert_scheduler.start_background(factory, settings, summary=daily_summary.write)
            if run_alerts
            else None
        )
        yield
        if background is not None:
            background.shutdown(wait=False)

    app = FastAPI(
        title="casetracker",
        description="社保客户维护专员的案件与时限系统 API",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.sessionmaker = factory
    app.state.head_counts = HeadCounts()

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="casetracker_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(LocaleAndHeaders, https=settings.cookie_secure)
    app.add_middleware(RetryReadOnDisconnect)
    app.add_middleware(BodyLimit)  # outermost: an oversized body is refused before anything
    errors.install(app)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in (
        fonts.router,
        auth_views.router,
        auth_views.profile_router,
        desk_views.router,
        people_views.router,
        cases_views.router,
        workflow_views.router,
        admin_views.router,
        calendar_views.router,
        people_api.router,
        cases_api.router,
        *case_types.routers(),
        materials_views.router,
        materials_views.case_router,
        materials_api.router,
        contacts_views.router,
        contacts_api.router,
        packet_views.router,
        packet_api.router,
        alerts_api.router,
        alerts_views.router,
        overview_api.router,
        overview_views.router,
        benefits_api.router,
        benefits_views.router,
    ):
        app.include_router(router)
    return app


def serve_app() -> FastAPI:
    """The app as `casetracker serve` runs it, one per worker process. Everything loaded at
    start-up (routes, templates, catalogues, the ORM's mappings) is frozen out of the
    garbage collector's reach and its young generation is collected less often: a list page
    allocates tens of thousands of short-lived objects, and without this the collector's
    full passes over the long-lived ones show as 100 ms outliers at p95."""
    settings = get_settings()
    app = create_app(settings, run_alerts=settings.scheduler.strip().lower() != "off")
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)
    return app
