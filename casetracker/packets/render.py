"""Rendering a packet: WeasyPrint lays out the forms and one page per attachment page, so its
`counter(pages)` counts the whole packet; pypdf then lays each uploaded PDF page under its
reserved page, whose footer (第 X 页 / 共 Y 页) and draft watermark stay on top.

Images are placed on A4 pages by WeasyPrint itself. An attachment that cannot be read (a
truncated PDF, an image that does not decode) gets a placeholder page naming it, and the
cover lists it, so the packet still renders.
"""

import base64
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pylopdf_fonts_zh_cn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pypdf import PdfReader, PdfWriter, Transformation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from casetracker.core.paths import FORMS
from casetracker.materials import documents
from casetracker.materials.models import Attachment

A4 = (595.28, 841.89)  # points
# Room left around an attachment page for the footer and the header line.
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 28.0, 44.0, 46.0  # the caption sits in the top 44 pt


@dataclass
class AttachmentPlan:
    """How one attachment enters the packet."""

    attachment: Attachment
    item_name: str
    kind: str  # pdf / image / broken
    pages: int
    reason: str = ""
    data_uri: str = ""
    reader: PdfReader | None = field(default=None, repr=False)
    first_page: int = 0  # filled in after layout


def plan(attachment: Attachment, item_name: str) -> AttachmentPlan:
    """How the attachment enters the packet; one stored before the upload check existed, or
    damaged since, becomes a placeholder page naming it and saying why."""
    content = attachment.content
    try:
        if attachment.content_type == "application/pdf":
            reader = documents.open_pdf(content)
            return AttachmentPlan(attachment, item_name, "pdf", len(reader.pages), reader=reader)
        documents.check_image(content)
    except documents.UnreadableDocument as exc:
        return AttachmentPlan(attachment, item_name, "broken", 1, reason=exc.reason)
    encoded = base64.b64encode(content).decode("ascii")
    return AttachmentPlan(
        attachment,
        item_name,
        "image",
        1,
        data_uri=f"data:{attachment.content_type};base64,{encoded}",
    )


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Forms may load files and data: URIs only; nothing from the network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=5)


@cache
def environment() -> Environment:
    """Form templates: `forms/`, then the folders case types bring (`add_forms_dir`)."""
    env = Environment(
        loader=FileSystemLoader([str(FORMS)]), autoescape=select_autoescape(), auto_reload=False
    )
    env.globals["font_sans"] = pylopdf_fonts_zh_cn.sans_path().as_uri()
    env.globals["font_serif"] = pylopdf_fonts_zh_cn.serif_path().as_uri()
    return env


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


def add_forms_dir(folder: Path) -> None:
    """Let packets use a case type's own form templates (kept outside `forms/`)."""
    loader = environment().loader
    assert isinstance(loader, FileSystemLoader)
    if str(folder) not in loader.searchpath:
        loader.searchpath.append(str(folder))


def html(
    forms: tuple[str, ...],
    context: dict[str, Any],
    plans: list[AttachmentPlan],
    *,
    preview: bool = False,
) -> str:
    """The whole packet as one HTML document; `preview` links the browser's copies of the
    fonts and stylesheet instead of local files."""
    return (
        environment()
        .get_template("packet.html")
        .render(forms=forms, attachments=plans, preview=preview, **context)
    )


def pdf_from_html(document: str) -> bytes:
    """WeasyPrint alone: the floor the packet benchmark compares against."""
    result: bytes = HTML(
        string=document, base_url=str(FORMS) + "/", url_fetcher=LocalOnlyFetcher()
    ).write_pdf(font_config=font_config())
    return result


def assemble(document: str, plans: list[AttachmentPlan]) -> tuple[bytes, int]:
    """Render, then lay each uploaded PDF page under its reserved page. Returns the PDF and
    its page count."""
    rendered = pdf_from_html(document)
    pdf_pages = [(p, index) for p in plans if p.kind == "pdf" for index in range(p.pages)]
    reader = PdfReader(io.BytesIO(rendered))
    if not pdf_pages:
        return rendered, len(reader.pages)
    writer = PdfWriter(clone_from=reader)
    reserved = _reserved_pages(plans, len(writer.pages))
    clones: dict[int, PdfWriter] = {}
    for page_number, (attachment_plan, index) in zip(reserved, pdf_pages, strict=True):
        assert attachment_plan.reader is not None
        if id(attachment_plan) not in clones:  # a writer's pages may be rotated in place
            clones[id(attachment_plan)] = PdfWriter(clone_from=attachment_plan.reader)
        source = clones[id(attachment_plan)].pages[index]
        if source.rotation:
            source.transfer_rotation_to_content()
        target = writer.pages[page_number]
        target.merge_transformed_page(source, _fit(source), over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _reserved_pages(plans: list[AttachmentPlan], total: int) -> list[int]:
    """Attachment pages close the packet in plan order; return the 0-based page numbers
    reserved for PDF attachments."""
    first = total - sum(p.pages for p in plans)
    reserved: list[int] = []
    for attachment_plan in plans:
        attachment_plan.first_page = first + 1
        if attachment_plan.kind == "pdf":
            reserved += range(first, first + attachment_plan.pages)
        first += attachment_plan.pages
    return reserved


def _fit(page: Any) -> Transformation:
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    room_w, room_h = A4[0] - 2 * MARGIN_X, A4[1] - MARGIN_TOP - MARGIN_BOTTOM
    scale = min(room_w / width, room_h / height, 1.0)
    x = MARGIN_X + (room_w - width * scale) / 2 - float(box.left) * scale
    y = MARGIN_BOTTOM + (room_h - height * scale) / 2 - float(box.bottom) * scale
    return Transformation().scale(scale, scale).translate(x, y)


def font_path() -> Path:
    return pylopdf_fonts_zh_cn.sans_path()
