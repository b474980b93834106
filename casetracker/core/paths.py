"""Where the project's non-Python files live.

The required layout keeps `templates/`, `forms/`, `static/` and `migrations/` at the project
root, beside the `casetracker` package, so casetracker runs from its checkout (installed with
`pip install -e .`, as both README commands do).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
FORMS = ROOT / "forms"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"
ALEMBIC_INI = ROOT / "alembic.ini"
LOCALE = Path(__file__).resolve().parents[1] / "locale"
