"""Regenerate docs/workflows/<type>.svg from the workflow definitions (needs Graphviz).

.venv/bin/python scripts/diagrams.py
"""

from pathlib import Path

import casetracker.case_types  # noqa: F401  (registers the case types)
from casetracker.cases import registry
from casetracker.workflows import diagram

OUT = Path(__file__).resolve().parents[1] / "docs" / "workflows"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for case_type, workflow in registry.workflows().items():
        path = OUT / f"{case_type}.svg"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + diagram.svg(workflow), encoding="utf-8"
        )
        print(path)


if __name__ == "__main__":
    main()
