"""Each workflow drawn as SVG by Graphviz's `dot`, with legible Chinese labels.

On a bare machine `dot` finds no CJK font and measures Chinese text wrongly. We give it a
fontconfig file that adds the Noto Sans SC shipped by `pylopdf-fonts-zh-cn`, so boxes fit
their labels; the browser draws the text with the same family (see static/css/app.css).
"""

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn

from casetracker.core import i18n
from casetracker.workflows.engine import Workflow

FONT_FAMILY = "Noto Sans SC"


class DiagramUnavailable(RuntimeError):
    """Graphviz is not installed (Debian package `graphviz`)."""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_source(workflow: Workflow) -> str:
    lines = [
        "digraph workflow {",
        f'  graph [rankdir=LR, fontname="{FONT_FAMILY}", bgcolor="transparent", '
        "nodesep=0.35, ranksep=0.5];",
        f'  node [shape=box, style="rounded,filled", fillcolor="#eef2f6", color="#5b6b7c", '
        f'fontname="{FONT_FAMILY}", fontsize=12];',
        f'  edge [fontname="{FONT_FAMILY}", fontsize=10, color="#5b6b7c"];',
        '  start [shape=circle, label="", width=0.18, style=filled, fillcolor="#12324f"];',
        f"  start -> {workflow.initial};",
    ]
    for state in workflow.states:
        attrs = ', peripheries=2, fillcolor="#dfe9f3"' if state.final else ""
        lines.append(f"  {state.name} [label={_quote(str(state.label))}{attrs}];")
    for transition in workflow.transitions:
        for source in transition.sources:
            lines.append(
                f"  {source} -> {transition.target} [label={_quote(str(transition.label))}];"
            )
    lines.append("}")
    return "\n".join(lines)


@cache
def _fontconfig() -> str:
    font_dir = pylopdf_fonts_zh_cn.sans_path().parent
    path = Path(tempfile.gettempdir()) / f"casetracker-fonts-{os.getuid()}.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{font_dir}</dir>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n</fontconfig>\n',
        encoding="utf-8",
    )
    return str(path)


@cache
def _render(source: str) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DiagramUnavailable("graphviz")
    env = {**os.environ, "FONTCONFIG_FILE": _fontconfig()}
    result = subprocess.run(
        [dot, "-Tsvg"], input=source.encode(), env=env, capture_output=True, check=True, timeout=30
    )
    svg = result.stdout.decode()
    return svg[svg.index("<svg") :]  # inline: drop the XML prolog and doctype


def svg(workflow: Workflow) -> str:
    """The diagram in the current language (cached per language)."""
    i18n.current_locale.get()  # the labels below follow it
    return _render(dot_source(workflow))
