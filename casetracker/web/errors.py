"""Every error becomes a page or a JSON body with a `detail` in the user's language; never a 500
for bad input. Routes need no try blocks: they raise, and these handlers answer."""

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from casetracker.core.errors import DomainError
from casetracker.core.i18n import N_, _
from casetracker.core.validation import describe_error
from casetracker.web.db_retry import is_disconnect
from casetracker.web.deps import SESSION_USER_KEY, LoginRequired, optional_page_user
from casetracker.web.templating import render

log = logging.getLogger(__name__)

STATUS_MESSAGES = {
    400: N_("请求无效"),
    401: N_("请先登录或提供有效的 API 令牌"),
    403: N_("当前角色无权进行此操作"),
    404: N_("未找到请求的页面或记录"),
    405: N_("不支持该请求方法"),
    409: N_("数据已被他人修改，请刷新后重试"),
    413: N_("上传内容过大"),
    422: N_("提交的数据无效"),
    500: N_("服务器内部错误，已记录，请稍后重试"),
    503: N_("数据库暂时无法连接，请稍后重试"),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(
    request: Request,
    status: int,
    detail: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    headers = dict(headers or {})
    if _is_api(request):
        body: dict[str, Any] = {"detail": detail}
        if errors:
            body["errors"] = errors
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(body, status_code=status, headers=headers or None)
    if getattr(request.state, "user", None) is None and status != 503:
        _recognise_user(request)
    response = render(
        request, "errors/error.html", {"status": status, "detail": detail}, status_code=status
    )
    response.headers.update(headers)
    return response


def _recognise_user(request: Request) -> None:
    """An error raised before any dependency ran (an unknown URL) still shows who is signed
    in, so the page keeps its navigation."""
    if "session" not in request.scope or SESSION_USER_KEY not in request.session:
        return
    try:
        with request.app.state.sessionmaker() as session:
            optional_page_user(request, session)
    except Exception:  # the error page must render even when the database does not answer
        log.warning("could not load the signed-in user for an error page", exc_info=True)


def _default_message(status: int) -> str:
    return _(STATUS_MESSAGES.get(status, "请求无效"))


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return _answer(request, exc.status_code, exc.message, exc.field_errors or None)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return _answer(request, 401, _default_message(401))
        target = request.url.path
        if request.method == "GET" and request.url.query and len(request.url.query) < 1000:
            target += "?" + request.url.query
        if target == "/":
            return RedirectResponse("/login", 303)
        return RedirectResponse("/login?" + urlencode({"next": target}), 303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = (
            exc.detail
            if isinstance(exc.detail, str)
            and exc.detail
            and any("\u4e00" <= ch <= "\u9fff" for ch in exc.detail)
            else _default_message(exc.status_code)
        )
        return _answer(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            name = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else "body")
            errors.setdefault(name, describe_error(error))
        parts = "；".join(
            _("{label}：{message}").format(label=k, message=v) for k, v in errors.items()
        )
        detail = _("提交的数据无效：{errors}").format(errors=parts)
        return _answer(request, 422, detail, errors)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        # Safety net: validation should stop this earlier; the transaction is rolled back.
        log.warning("data error reached the database: %s", exc)
        return _answer(request, 400, _("提交的数据超出允许的范围或格式"))

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error: %s", exc)
        return _answer(request, 409, _("与已有记录冲突（可能重复），未保存"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Registered for Exception, so it runs outside every middleware: a read that lost its
        # connection has been retried once already (db_retry) before it lands here.
        if isinstance(exc, OperationalError | InterfaceError) or is_disconnect(exc):
            log.warning("database unreachable on %s %s: %s", request.method, request.url.path, exc)
            return _answer(request, 503, _default_message(503), headers={"Retry-After": "5"})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _answer(request, 500, _default_message(500))
