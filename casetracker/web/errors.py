"""Every error becomes a page or a JSON body with a `detail` in the user's language; never a 500
for bad input. Routes raise and these handlers answer; a route catches an error only to show it
on the page it came from (a form with the user's input kept)."""

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from casetracker.core.errors import DomainError
from casetracker.core.i18n import N_, _
from casetracker.core.validation import request_errors, summary
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


class ErrorOut(BaseModel):
    """Every refusal of the API: `detail` in the caller's language (Chinese by default)."""

    detail: str = Field(description="原因，调用者的语言（默认中文）")
    errors: dict[str, str] | None = Field(
        None, description="出错的字段 → “字段名：原因”（仅当有字段出错时）"
    )


class ValidationErrorOut(BaseModel):
    """422: what was refused and why, field by field where the fault lies in fields."""

    detail: str = Field(description="全部原因，以“；”分隔")
    errors: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "出错的字段（嵌套字段如 employee.id_number；整个请求体为 body）→ “字段名：原因”"
        ),
    )


def _documented(
    description: str,
    model: type[BaseModel] = ErrorOut,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response: dict[str, Any] = {"model": model, "description": description}
    if headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return response


# The refusals every API operation may answer, shared by the API routers (`responses=`), so the
# OpenAPI schema describes the bodies these handlers really send.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _documented("请求无效（数据超出允许的范围或格式）"),
    401: _documented("缺少或无效的 API 令牌", headers={"WWW-Authenticate": "Bearer"}),
    403: _documented("当前角色或用户无权进行此操作"),
    404: _documented("记录不存在"),
    409: _documented("数据已被他人修改（版本过期）或与已有记录冲突"),
    413: _documented("请求体过大"),
    422: _documented("提交的数据无效或操作被拒绝（原因见 detail 与 errors）", ValidationErrorOut),
    503: _documented("数据库暂时无法连接", headers={"Retry-After": "几秒后重试"}),
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


def _body_model(request: Request) -> type[BaseModel] | None:
    """The model the matched route reads its body into, whose field titles label errors."""
    field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (`Allow` of a 405, as HTTP asks):
    Starlette names only those of the first route that matched the path."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


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
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        return _answer(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = request_errors(exc.errors(), _body_model(request))
        detail = _("提交的数据无效：{errors}").format(errors=summary(errors))
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
