"""Turning posted form fields or a JSON body into a validated model, with messages that
name each field."""

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import field_errors, summary

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
