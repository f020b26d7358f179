"""``intl-pub run`` and ``intl-pub serve-flows``: the commands that need Prefect.

Registered with intl-pub's command line through the ``intl_pub.commands``
entry point, so nothing under src/ imports Prefect: the CLI asks for its
plug-ins, and this module adds its two commands to the parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PREFECT_DEFAULTS = {
    # No telemetry attempts (these machines, and many users', are offline).
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The temporary local server needs ~20 s on a cold start here.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def add_commands(pipeline_command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``run`` and ``serve-flows`` to the ``intl-pub`` parser."""
    run = pipeline_command("run", cmd_run, "pull, translate and publish, as one Prefect flow")
    run.add_argument(
        "--task-runner",
        metavar="RUNNER",
        default=os.environ.get("INTL_PUB_TASK_RUNNER"),
        help="threads (default), dask (a local Dask cluster), or dask://HOST:PORT",
    )
    served = pipeline_command(
        "serve-flows",
        cmd_serve_flows,
        "serve the scheduled deployments from this process (needs a server)",
        sources=False,
    )
    served.add_argument(
        "--translate-cron", default="0 * * * *", help="pull + translate schedule (default: hourly)"
    )
    served.add_argument(
        "--publish-cron",
        default="30 6 * * *",
        help="publish schedule (default: daily at 06:30 UTC)",
    )


def cmd_run(args: argparse.Namespace) -> int:
    """The whole pipeline as one Prefect flow; each failure one line (tracebacks: --debug)."""
    from intl_pub import pipeline
    from intl_pub.cli import settings_from_args

    settings = settings_from_args(args)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    pipeline.engine_for(settings).check(settings.locales)  # fail fast, before Prefect starts
    from intl_pub_flows.pipeline_flow import run_flow, with_task_runner

    state: Any = with_task_runner(run_flow, args.task_runner)(
        workdir=str(settings.workdir),
        sources=args.source or None,
        locales=[loc.tag for loc in settings.locales],
        engine=settings.engine,
        return_state=True,
    )
    if not state.is_completed():  # failed, crashed or cancelled
        message = state.message or state.name
        for line in message.removeprefix("failed:\n").splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    site = settings.site_dir
    command = Path(sys.executable).parent / "intl-pub"
    command_name = str(command) if command.exists() else "intl-pub"
    print(f"\nThe site is in {site}/ — open {site / 'index.html'}")
    print(f"or preview it: {command_name} serve --workdir {settings.workdir}")
    print(f"  (then open {settings.base_url})")
    print(f"Review progress: {command_name} status --workdir {settings.workdir}")
    return 0


def cmd_serve_flows(args: argparse.Namespace) -> int:
    """Serve the deployments from this process: schedules without a work pool."""
    from intl_pub.cli import settings_from_args
    from intl_pub.core.errors import IntlPubError

    settings = settings_from_args(args)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not os.environ.get("PREFECT_API_URL"):
        raise IntlPubError(
            "schedules need a running Prefect server: start one with `prefect server start` and "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)"
        )
    from intl_pub_flows.pipeline_flow import serve_deployments

    serve_deployments(settings, args.translate_cron, args.publish_cron)
    return 0
