"""Every case type the engine serves. The edge registers them (`casetracker/case_types.py`,
one line each; a test registers its own); everything else asks here."""

from collections.abc import Callable, Iterator

from casetracker.audit import service as audit
from casetracker.cases.types import CaseType, PacketSpec
from casetracker.core.errors import NotFound
from casetracker.core.i18n import _, translate
from casetracker.workflows.engine import Label, Workflow

_TYPES: dict[str, CaseType] = {}


def register(case_type: CaseType) -> None:
    """Add a type (idempotent for the same entry); its audit actions get their labels."""
    problems = case_type.problems()
    if problems:
        raise ValueError(f"case type {case_type.name} is inconsistent: {problems}")
    known = _TYPES.get(case_type.name)
    if known is not None and known is not case_type:
        raise ValueError(f"case type {case_type.name} is registered already")
    _TYPES[case_type.name] = case_type
    kind = case_type.workflow.label
    labels = {f"{case_type.name}.opened": _opened_label(kind)}
    for spec in case_type.workflow.transitions:
        labels[f"{case_type.name}.{spec.name}"] = _pair_label(kind, spec.label)
    for action, message in case_type.audit_labels.items():
        labels[action] = _message_label(message)
    audit.add_labels(labels)


def _opened_label(kind: Label) -> Callable[[], str]:
    return lambda: f"{kind}：{_('立案')}"


def _pair_label(kind: Label, what: Label) -> Callable[[], str]:
    return lambda: f"{kind}：{what}"


def _message_label(message: str) -> Callable[[], str]:
    return lambda: translate(message)


def unregister(name: str) -> None:
    """For tests that register a type of their own for a while."""
    _TYPES.pop(name, None)


def get(name: str) -> CaseType:
    case_type = _TYPES.get(name)
    if case_type is None:
        raise NotFound(_("未知的案件类型：{type}").format(type=name))
    return case_type


def workflow(name: str) -> Workflow:
    return get(name).workflow


def all_types() -> Iterator[CaseType]:
    return iter(tuple(_TYPES.values()))


def names() -> list[str]:
    return list(_TYPES)


def packet(case_type: str, name: str) -> PacketSpec | None:
    return get(case_type).packet(name)


def workflows() -> dict[str, Workflow]:
    """Each registered type's workflow by type name, in registration order."""
    return {name: case_type.workflow for name, case_type in _TYPES.items()}
