#!/usr/bin/env bash
# The README's second command: install everything the tests need and run the whole suite.
#   bash scripts/test.sh                         # on SQLite (a throwaway file)
#   CASETRACKER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test bash scripts/test.sh
# On PostgreSQL the suite creates its own throwaway databases beside the one named, and drops
# them at the end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_system_packages test
ensure_venv dev
exec "$VENV/bin/python" -m pytest "$@"
