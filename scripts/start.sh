#!/usr/bin/env bash
# The README's first command: install casetracker, load the demo data on SQLite, serve it.
#   bash scripts/start.sh            -> http://127.0.0.1:8000/
# Settings come from the environment or .env (CASETRACKER_DATABASE_URL, CASETRACKER_DATA_DIR…).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_system_packages
ensure_venv
# The demo prints a sample company on its packets; a real installation sets its own.
export CASETRACKER_COMPANY_NAME="${CASETRACKER_COMPANY_NAME:-上海申浦人力资源服务有限公司（演示）}"
export CASETRACKER_COMPANY_CREDIT_CODE="${CASETRACKER_COMPANY_CREDIT_CODE:-91310000MA1FL4XX2C}"
"$VENV/bin/casetracker" demo
exec "$VENV/bin/casetracker" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
