#!/usr/bin/env bash
# Benchmarks, on demand (not in CI): install what they need, then run one.
#   bash scripts/bench.sh pages [--cases 2000,20000] …   # the page load benchmark (wrk)
#   bash scripts/bench.sh deadline_scan | packet_render
# PostgreSQL: CASETRACKER_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_system_packages bench
ensure_venv dev
name="${1:?which benchmark: pages, deadline_scan or packet_render}"
shift
export CASETRACKER_DATABASE_URL="${CASETRACKER_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
exec "$VENV/bin/python" "benchmarks/$name.py" "$@"
