"""Packet types: which forms (templates under forms/), which attachments, when final.

Adding a form later is one template under `forms/` and one entry here.
"""

from dataclasses import dataclass

from casetracker.workflows.engine import Label


@dataclass(frozen=True)
class PacketType:
    name: str
    label: Label
    case_type: str
    forms: tuple[str, ...]  # template paths under forms/, in order
    attachments: bool  # the checklist's uploads follow the forms, in checklist order
    final_states: frozenset[str]  # below these the packet carries a 草稿 watermark


PACKET_TYPES: dict[str, PacketType] = {
    t.name: t
    for t in (
        PacketType(
            "accident_report",
            Label("工伤事故快报表", "Accident report form"),
            "injury",
            ("injury/accident_report.html",),
            attachments=False,
            final_states=frozenset(
                {
                    "filed",
                    "submitted",
                    "correction_requested",
                    "accepted",
                    "suspended",
                    "recognised",
                    "not_recognised",
                    "closed",
                }
            ),
        ),
        PacketType(
            "recognition_application",
            Label("工伤认定申请材料", "Recognition application packet"),
            "injury",
            ("injury/materials_cover.html", "injury/recognition_application.html"),
            attachments=True,
            final_states=frozenset(
                {
                    "submitted",
                    "correction_requested",
                    "accepted",
                    "suspended",
                    "recognised",
                    "not_recognised",
                    "closed",
                }
            ),
        ),
        PacketType(
            "case_summary",
            Label("案件摘要", "Case summary"),
            "injury",
            ("injury/case_summary.html",),
            attachments=False,
            final_states=frozenset({"closed", "withdrawn"}),
        ),
    )
}


def for_case_type(case_type: str) -> list[PacketType]:
    return [t for t in PACKET_TYPES.values() if t.case_type == case_type]
