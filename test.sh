#!/usr/bin/env bash
# The tests: set up .venv with the test tools, lint, run pytest. Arguments go to pytest.
# Needs GNU gettext (msgfmt) for the catalog validity tests: apt-get install gettext.
set -euo pipefail
cd "$(dirname "$0")"
EXTRAS=test source scripts/bootstrap.sh
echo "==> ruff"
ruff check .
echo "==> pytest"
exec python -m pytest "$@"
