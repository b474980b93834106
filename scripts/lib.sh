# Shared by start.sh, test.sh and .ci/run: one place that knows how to install casetracker.
VENV="${CASETRACKER_VENV:-.venv}"
# Debian packages the app needs at run time: Graphviz draws the workflow diagrams; Pango and
# HarfBuzz serve WeasyPrint's PDFs (libharfbuzz-subset0 makes font subsetting fast).
RUNTIME_PACKAGES=(graphviz libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# ...and the tests: Chromium for the browser tests, poppler-utils to look at PDFs.
TEST_PACKAGES=(chromium poppler-utils)
# ...and the benchmarks, run on demand: wrk drives the page load benchmark.
BENCH_PACKAGES=(wrk)

ensure_system_packages() {
    local wanted=("${RUNTIME_PACKAGES[@]}")
    [ "${1:-}" = "test" ] && wanted+=("${TEST_PACKAGES[@]}")
    [ "${1:-}" = "bench" ] && wanted+=("${BENCH_PACKAGES[@]}")
    local missing=()
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

ensure_venv() {
    local extra="${1:-}"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    if [ -n "$extra" ]; then
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[$extra]"
    else
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e .
    fi
}
