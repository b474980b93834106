"""Turning posted form fields or a JSON body into a validated model, with messages that
name each field; and answering a refused form with the form again."""

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import field_errors, summary
from casetracker.web.templating import render

M = TypeVar("M", bound=BaseModel)


def validate_form(model: type[M], fields: Any) -> M:
    """The model, or Invalid whose `field_errors` read like `统一社会信用代码：校验位不正确`."""
    if not isinstance(fields, dict):
        raise Invalid(_("请求体格式不正确"))
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        errors = field_errors(exc, model)
        raise Invalid(summary(errors), field_errors=errors) from exc


def form_refused(
    request: Request,
    session: Session,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 422,
) -> Response:
    """The form again with its error (422), and the request's transaction rolled back, so
    nothing a refused request did before it was refused commits.

    The page is rendered first and the transaction rolled back after: the request's session
    comes from `sessionmaker.begin()` (`web/deps.get_session`), which refuses any further
    statement once its transaction has been rolled back inside the block, and a template
    may still load rows (choices, lazy relationships). The rendered body is final, so the
    session is not touched again; leaving the block then neither commits nor fails.
    """
    response = render(request, template, context, status_code=status_code)
    session.rollback()
    return response
