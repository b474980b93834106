"""Turning posted form fields into a validated model, with messages that name each field."""

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from casetracker.core.errors import Invalid
from casetracker.core.validation import field_errors, summary

M = TypeVar("M", bound=BaseModel)


def validate_form(model: type[M], fields: dict[str, str]) -> M:
    """The model, or Invalid whose `field_errors` read like `统一社会信用代码：校验位不正确`."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        errors = field_errors(exc, model)
        raise Invalid(summary(errors), field_errors=errors) from exc
