"""Orchestration overhead: the sample blog through Prefect vs the pipeline functions alone.

    .venv/bin/python bench/flow_overhead.py [--repeat 3]

Pseudo engine (no model: the figures are the orchestration, not the MT), a
fresh copy of the sample blog for each cold run. Measures, in one run:

1. direct:      intl_pub.pipeline.run() -- no Prefect at all;
2. flow:        run_flow against an already running local Prefect server
                (prefect_test_harness starts one first, not timed);
3. flow, cold:  `intl-pub run` in a new process with no server, as `./run.sh`
                does: it starts Prefect's temporary server and stops it;
and the same with nothing changed (second run), where the work is ~0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")
os.environ.pop("PREFECT_API_URL", None)


def blog() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="intl-pub-overhead-"))
    shutil.copy(ROOT / "intl-pub.toml", folder)
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    rows: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        rows.setdefault(name, []).append(seconds)

    for _ in range(args.repeat):
        folder = blog()
        settings = replace(load_settings(folder), engine="pseudo")
        record("direct, first run", timed(lambda s=settings: pipeline.run(s)))
        record("direct, unchanged", timed(lambda s=settings: pipeline.run(s)))
        shutil.rmtree(folder)

    from intl_pub_flows.pipeline_flow import run_flow
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        run_flow(workdir=str(blog()), engine="pseudo")  # warm the client and the server
        for _ in range(args.repeat):
            folder = blog()
            record(
                "flow on a running server, first run",
                timed(lambda f=folder: run_flow(workdir=str(f), engine="pseudo")),
            )
            record(
                "flow on a running server, unchanged",
                timed(lambda f=folder: run_flow(workdir=str(f), engine="pseudo")),
            )
            shutil.rmtree(folder)

    command = [sys.executable, "-m", "intl_pub.cli", "-q", "run", "--engine", "pseudo"]
    for _ in range(args.repeat):
        folder = blog()
        record(
            "`intl-pub run`, temporary server (cold process)",
            timed(lambda f=folder: subprocess.run(command, cwd=f, check=True, capture_output=True)),
        )
        shutil.rmtree(folder)

    direct = statistics.median(rows["direct, first run"])
    print(f"{'':52} {'median s':>9} {'overhead s':>11}")
    for name, values in rows.items():
        median = statistics.median(values)
        base = statistics.median(rows["direct, unchanged"]) if "unchanged" in name else direct
        print(f"{name:52} {median:9.2f} {median - base:11.2f}")


if __name__ == "__main__":
    main()
