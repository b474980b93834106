"""The layering check over the real tree, and each rule firing on small synthetic trees."""

from pathlib import Path

import pytest

from casetracker.devtools import layers
from casetracker.devtools.__main__ import main


def tree(root: Path, files: dict[str, str]) -> Path:
    """A casetracker/ package under root holding files (every directory gets an __init__)."""
    for name, text in {"casetracker/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if parent.parts:
                (root / parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


def rules(root: Path) -> list[tuple[str, str]]:
    return [(v.rule, v.path) for v in layers.check(root).violations]


def test_the_tree_keeps_its_layers() -> None:
    report = layers.check()
    assert report.modules > 50
    if report.violations:
        pytest.fail(report.render(), pytrace=False)


@pytest.mark.parametrize(
    ("module", "edge"),
    [
        ("casetracker.cases.views", True),
        ("casetracker.people.api", True),
        ("casetracker.web.forms", True),
        ("casetracker.web", True),
        ("casetracker.devtools.layers", True),
        ("casetracker.main", True),
        ("casetracker.cli", True),
        ("casetracker.demo", True),
        ("casetracker.case_types", True),
        ("casetracker.models", True),
        ("casetracker.cases.models", False),
        ("casetracker.cases.service", False),
        ("casetracker.core.db", False),
        ("casetracker.calendar", False),
        ("casetracker", False),
    ],
)
def test_edge_and_domain_modules(module: str, edge: bool) -> None:
    assert layers.is_edge(module) is edge


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/core/db.py": "import os\n",
            "casetracker/cases/service.py": "from casetracker.core import db\n",
            "casetracker/cases/views.py": "from casetracker.cases import service\n"
            "from casetracker.web import forms\n",
            "casetracker/web/forms.py": "from casetracker.cases import service\n",
            "casetracker/main.py": "def app() -> None:\n    from casetracker.cases import views\n",
        },
    )
    report = layers.check(root)
    assert report.violations == ()
    assert report.render() == "layers: OK (9 modules, 5 casetracker imports)"


def test_package_cycle_counts_function_and_type_checking_imports(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/audit/service.py": "def record() -> None:\n"
            "    from casetracker.workflows import registry\n",
            "casetracker/workflows/registry.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from casetracker.materials.service import attach\n",
            "casetracker/materials/service.py": "from casetracker.audit import service\n",
        },
    )
    [cycle] = [v for v in layers.check(root).violations if v.rule == "package-cycle"]
    assert cycle.path == "audit ↔ materials ↔ workflows"
    assert cycle.cycles == ("audit → workflows → materials → audit",)
    assert cycle.evidence == (
        "casetracker/audit/service.py:2: from casetracker.workflows import registry",
        "casetracker/materials/service.py:1: from casetracker.audit import service",
        "casetracker/workflows/registry.py:3: from casetracker.materials.service import attach",
    )


def test_edge_modules_do_not_make_package_cycles(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/cases/service.py": "from casetracker.people import service\n",
            "casetracker/people/views.py": "from casetracker.cases import service\n",
            "casetracker/people/service.py": "",
        },
    )
    assert rules(root) == []


def test_module_cycle_fires_among_edge_modules(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/cases/views.py": "from casetracker.people.views import page\n",
            "casetracker/people/views.py": "def page() -> None:\n"
            "    from casetracker.cases import views\n",
        },
    )
    [violation] = layers.check(root).violations
    assert violation.rule == "module-cycle"
    assert (
        violation.path
        == "casetracker.cases.views → casetracker.people.views → casetracker.cases.views"
    )
    assert violation.evidence == (
        "casetracker/cases/views.py:1: from casetracker.people.views import page",
        "casetracker/people/views.py:2: from casetracker.cases import views",
    )


def test_module_cycle_inside_one_package_and_self_import(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/cases/a.py": "from . import b\n",
            "casetracker/cases/b.py": "from .a import name\n",
            "casetracker/cases/c.py": "import casetracker.cases.c\n",
        },
    )
    assert rules(root) == [
        ("module-cycle", "casetracker.cases.a → casetracker.cases.b → casetracker.cases.a"),
        ("module-cycle", "casetracker.cases.c → casetracker.cases.c"),
    ]


def test_domain_imports_web(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/cases/service.py": "from ..web.forms import parse\n",
            "casetracker/people/service.py": "from casetracker import web\n",
            "casetracker/cases/api.py": "from casetracker.web import forms\n",
            "casetracker/web/forms.py": "",
        },
    )
    assert rules(root) == [
        ("domain-imports-web", "casetracker.cases.service → casetracker.web.forms"),
        ("domain-imports-web", "casetracker.people.service → casetracker.web"),
    ]


def test_function_level_import_and_its_opt_out(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/core/i18n.py": "",
            "casetracker/cases/words.py": "class Words:\n"
            "    async def label(self) -> None:\n"
            "        import json\n"
            "        from casetracker.core.i18n import locale\n"
            "        from casetracker.core import i18n  # layers: allow-local-import (heavy)\n"
            "        from casetracker.core import (  # layers: allow-local-import ()\n"
            "            i18n as again,\n"
            "        )\n",
            "casetracker/cli.py": "def run() -> None:\n    from casetracker.cases import words\n",
        },
    )
    violations = layers.check(root).violations
    assert [(v.rule, v.path, v.evidence) for v in violations] == [
        (
            "function-level-import",
            "casetracker.cases.words → casetracker.core.i18n",
            ("casetracker/cases/words.py:4: from casetracker.core.i18n import locale",),
        ),
        (
            "function-level-import",
            "casetracker.cases.words → casetracker.core.i18n",
            ("casetracker/cases/words.py:6: from casetracker.core import i18n as again",),
        ),
    ]


def test_submodules_names_and_relative_imports_resolve(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "casetracker/cases/service.py": "from casetracker.cases import models, Case\n"
            "from . import rules\n"
            "from .rules import open_\n"
            "from ..people import schemas\n"
            "import casetracker.core.db as db\n"
            "from casetracker.core import *\n",
            "casetracker/cases/models.py": "",
            "casetracker/cases/rules/__init__.py": "from . import checks\nfrom .. import models\n",
            "casetracker/cases/rules/checks.py": "from ...core import db\n",
            "casetracker/people/schemas.py": "",
            "casetracker/core/db.py": "",
        },
    )
    modules = layers.find_modules(root)
    found = {(i.source, i.target) for i in layers.collect_imports(root, modules)}
    assert found == {
        ("casetracker.cases.service", "casetracker.cases.models"),
        ("casetracker.cases.service", "casetracker.cases"),
        ("casetracker.cases.service", "casetracker.cases.rules"),
        ("casetracker.cases.service", "casetracker.people.schemas"),
        ("casetracker.cases.service", "casetracker.core.db"),
        ("casetracker.cases.service", "casetracker.core"),
        ("casetracker.cases.rules", "casetracker.cases.rules.checks"),
        ("casetracker.cases.rules", "casetracker.cases.models"),
        ("casetracker.cases.rules.checks", "casetracker.core.db"),
    }


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tree(tmp_path / "clean", {"casetracker/core/db.py": ""})
    assert main(["layers", "--root", str(clean)]) == 0
    assert capsys.readouterr().out == "layers: OK (3 modules, 0 casetracker imports)\n"

    broken = tree(
        tmp_path / "broken",
        {
            "casetracker/calendar/service.py": "def due() -> None:\n"
            "    from casetracker.cases import deadlines\n",
            "casetracker/cases/deadlines.py": "from casetracker.calendar import service\n",
        },
    )
    assert main(["layers", "--root", str(broken)]) == 1
    assert capsys.readouterr().out == (
        "package-cycle: calendar ↔ cases\n"
        "  cycle: calendar → cases → calendar\n"
        "  casetracker/calendar/service.py:2: from casetracker.cases import deadlines\n"
        "  casetracker/cases/deadlines.py:1: from casetracker.calendar import service\n"
        "\n"
        "module-cycle: casetracker.calendar.service → casetracker.cases.deadlines"
        " → casetracker.calendar.service\n"
        "  casetracker/calendar/service.py:2: from casetracker.cases import deadlines\n"
        "  casetracker/cases/deadlines.py:1: from casetracker.calendar import service\n"
        "\n"
        "function-level-import: casetracker.calendar.service → casetracker.cases.deadlines\n"
        "  casetracker/calendar/service.py:2: from casetracker.cases import deadlines\n"
        "\n"
        "layers: 3 violation(s)\n"
    )


def test_a_missing_package_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        layers.check(tmp_path)
