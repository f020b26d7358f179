#!/usr/bin/env bash
# The main job: set up .venv, make sure the Argos models are installed, run the whole
# pipeline as a Prefect flow on the sample blog (or on intl-pub.toml's sources).
#   ./run.sh                    argos engine; models from ./models/*.argosmodel or the Argos index;
#                               when no model can be installed (offline, no files), the whole
#                               pipeline runs with pseudo-localization instead, and says so
#   ./run.sh --engine pseudo    no model needed (pseudo-localization)
#   ./run.sh --engine argos     real translation or nothing: no fallback
#   INTL_PUB_MODELS=DIR ./run.sh   install models from .argosmodel files in DIR
# Other arguments go to `intl-pub run` (see `intl-pub run --help`). `intl-pub run` itself never
# falls back: a scheduled production run must not publish pseudo text.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
# run.sh's own view of the arguments it shares with `intl-pub run`.
args() {
  python - "$1" "${@:2}" <<'PY'
import sys
from intl_pub.core.config import load_settings
from intl_pub.core.locales import parse_locales
want, args = sys.argv[1], sys.argv[2:]
found = {}
for i, a in enumerate(args):
    for name in ("--engine", "--locales", "--workdir"):
        if a == name and i + 1 < len(args):
            found[name] = args[i + 1]
        elif a.startswith(name + "="):
            found[name] = a.split("=", 1)[1]
try:
    if want == "engine":  # as asked for on the command line
        print(found.get("--engine", ""))
    elif want == "configured":  # the settings file's (and INTL_PUB_ENGINE's) engine
        print(load_settings(found.get("--workdir", ".")).engine)
    else:  # the en→xx pairs the run needs that no installed model provides
        from intl_pub.mt import argos
        settings = load_settings(found.get("--workdir", "."))
        locales = parse_locales(found["--locales"]) if "--locales" in found else settings.locales
        have = {pair for pair, _, _ in argos.installed()}
        pairs = [f"en→{argos.argos_code(loc)}" for loc in locales]
        print(", ".join(p for p in pairs if p not in have))
except Exception:  # a bad option or setting: `intl-pub run` reports it properly
    print("")
PY
}
explicit="$(args engine "$@")"
explicit="${explicit:-${INTL_PUB_ENGINE:-}}"
engine="${explicit:-$(args configured "$@")}"
fallback=""
if [ "$engine" = "argos" ]; then
  models="${INTL_PUB_MODELS:-models}"
  if compgen -G "$models/*.argosmodel" > /dev/null; then
    echo "==> installing Argos models from $models/ (those already installed are skipped)"
    intl-pub models install "$models" || fallback="installing the .argosmodel files in $models/ failed (see the error above)"
  else
    echo "==> making sure the Argos models en→es, en→zh, en→ru are installed"
    intl-pub models install || fallback="there are no .argosmodel files in $models/ and the Argos package index could not be reached (see the error above)"
  fi
  if [ -z "$fallback" ]; then
    missing="$(args missing "$@")"
    [ -z "$missing" ] || fallback="no Argos model is installed for $missing"
  fi
  if [ -n "$fallback" ] && [ -n "$explicit" ]; then
    echo "error: $fallback; --engine argos asks for real translation, so nothing was run" >&2
    exit 1
  fi
fi
if [ -z "$fallback" ]; then
  echo "==> running the pipeline (a Prefect flow on a temporary local server)"
  exec intl-pub run "$@"
fi

banner() {
  echo
  echo "*** NO ARGOS MODEL: this run uses PSEUDO-LOCALIZATION, not translation ***"
  echo "    why: $fallback"
  echo "    $1"
  echo "    To switch to real translation, copy the .argosmodel files for en→es, en→zh, en→ru"
  echo "    into $models/ (or connect to the internet), then run:  ./run.sh --engine argos"
  echo
}
banner "Every stage still runs; the pages hold accented, bracketed [Ƥšéûđö] text."
echo "==> running the pipeline with --engine pseudo (a Prefect flow on a temporary local server)"
status=0
intl-pub run "$@" --engine pseudo || status=$?
banner "The site above was built with pseudo-localization: it is for trying, not publishing."
exit "$status"
