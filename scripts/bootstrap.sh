#!/usr/bin/env bash
# Create .venv and install intl-pub into it (idempotent; re-installs when pyproject.toml changes).
# Sourced by run.sh and test.sh. EXTRAS=test adds the test tools.
# INTL_PUB_VENV=DIR uses a virtualenv that is already set up, as it is (nothing is installed):
# tests/test_first_run.py runs a fresh clone's run.sh with the test suite's own environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${INTL_PUB_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
EXTRAS="${EXTRAS:-}"
stamp="$VENV/.intl-pub-installed${EXTRAS:+-$EXTRAS}"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ -n "${INTL_PUB_VENV:-}" ]; then
  "$VENV/bin/python" -c "import intl_pub, intl_pub_flows, argostranslate, prefect" \
    || { echo "error: INTL_PUB_VENV=$VENV is not a set-up intl-pub environment" >&2; exit 1; }
elif [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [ -z "${INTL_PUB_VENV:-}" ] && { [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; }; then
  echo "==> installing intl-pub into $VENV (first time: a few minutes)"
  # A current pip first: pip 23's resolver fails on lxml[html_clean] vs lxml[html-clean]
  # (readability-lxml and trafilatura spell the extra differently).
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade "pip>=24.2" 2>&1 | grep -v "^WARNING: Location" || true
  # The CPU build of torch first: argostranslate -> stanza -> torch would otherwise
  # pull the multi-GB CUDA build.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -e "$ROOT${EXTRAS:+[$EXTRAS]}" 2>&1 | grep -v "^WARNING: Location" || true
  "$VENV/bin/python" -c "import intl_pub, intl_pub_flows, argostranslate, prefect" \
    || { echo "error: installation into $VENV failed; see the pip messages above" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
# Prefect: no telemetry attempts, and time for the temporary local server to start.
export DO_NOT_TRACK="${DO_NOT_TRACK:-1}"
export PREFECT_SERVER_ANALYTICS_ENABLED="${PREFECT_SERVER_ANALYTICS_ENABLED:-false}"
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="${PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS:-60}"
