#!/usr/bin/env bash
# The README's first command: install casetracker, load the demo data on SQLite, serve it.
#   bash scripts/start.sh            -> http://127.0.0.1:8000/
# Settings come from the environment or .env (CASETRACKER_DATABASE_URL, CASETRACKER_DATA_DIR…).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_system_packages
ensure_venv
"$VENV/bin/casetracker" demo
exec "$VENV/bin/casetracker" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
