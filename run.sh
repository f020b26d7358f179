#!/usr/bin/env bash
# The main job: set up .venv, make sure the Argos models are installed, run the whole
# pipeline as a Prefect flow on the sample blog (or on intl-pub.toml's sources).
#   ./run.sh                    argos engine; models from ./models/*.argosmodel or the Argos index
#   ./run.sh --engine pseudo    no model needed (pseudo-localization)
#   INTL_PUB_MODELS=DIR ./run.sh   install models from .argosmodel files in DIR
# Other arguments go to `intl-pub run` (see `intl-pub run --help`).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
engine="$(python - "$@" <<'PY'
import sys
args = sys.argv[1:]
for i, a in enumerate(args):
    if a == "--engine" and i + 1 < len(args): print(args[i + 1]); break
    if a.startswith("--engine="): print(a.split("=", 1)[1]); break
else:
    print("")
PY
)"
engine="${engine:-${INTL_PUB_ENGINE:-$(python -c 'from intl_pub.config import load_settings; print(load_settings(".").engine)')}}"
if [ "$engine" = "argos" ]; then
  models="${INTL_PUB_MODELS:-models}"
  if compgen -G "$models/*.argosmodel" > /dev/null; then
    echo "==> installing Argos models from $models/"
    intl-pub models install "$models"
  else
    echo "==> making sure the Argos models en→es, en→zh, en→ru are installed"
    intl-pub models install
  fi
fi
echo "==> running the pipeline (a Prefect flow on a temporary local server)"
exec intl-pub run "$@"
