"""``intl-pub run`` and ``intl-pub serve-flows``: the commands that need Prefect.

Registered with intl-pub's command line through the ``intl_pub.commands``
entry point, so nothing under src/ imports Prefect: the CLI asks for its
plug-ins, and this module adds its two commands to the parser.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PREFECT_DEFAULTS = {
    # No telemetry attempts (these machines, and many users', are offline).
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The temporary local server needs ~20 s on a cold start here.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}
DEBUG_LOGGING = {
    # `--debug`: the tracebacks of expected failures, which the flows log at DEBUG.
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "DEBUG",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "DEBUG",
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
        "--translate-cron", help="pull + translate schedule (default: hourly, as prefect.yaml)"
    )
    served.add_argument(
        "--publish-cron", help="publish schedule (default: daily at 06:30 UTC, as prefect.yaml)"
    )


def cmd_run(args: argparse.Namespace) -> int:
    """The whole pipeline as one Prefect flow; each failure one line (tracebacks: --debug)."""
    from intl_pub import pipeline
    from intl_pub.cli import settings_from_args
    from intl_pub.workdir.store import Store

    settings = settings_from_args(args)
    Store(settings.workdir).require()  # fail fast, before Prefect starts: one line
    pipeline.engine_for(settings).check(settings.locales)
    _prefect_environment(args)
    from intl_pub_flows.pipeline_flow import run_flow, with_task_runner

    with _one_server(args.task_runner):
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
    """Serve prefect.yaml's deployments from this process: schedules without a work pool.

    Refuses (one line, exit 1) when the server holds a deployment of the same name
    that it did not create, e.g. one from ``prefect deploy``: serving would replace
    its entrypoint, pull step and work pool, and break its worker's runs.
    """
    from intl_pub.cli import settings_from_args
    from intl_pub.core.errors import IntlPubError
    from intl_pub.workdir.store import Store

    settings = settings_from_args(args)
    Store(settings.workdir).require()
    _prefect_environment(args)
    if not os.environ.get("PREFECT_API_URL"):
        raise IntlPubError(
            "schedules need a running Prefect server: start one with `prefect server start` and "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)"
        )
    from intl_pub_flows import deployments
    from prefect import serve
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        taken = deployments.foreign(client)
    if taken:
        names = " ".join(f"'{name}'" for name, _ in taken)
        raise IntlPubError(
            "serve-flows would replace deployment(s) it did not create: "
            + "; ".join(f"{name} ({what})" for name, what in taken)
            + ". Run them with their worker (prefect worker start --pool "
            + f"{deployments.WORK_POOL}), or delete them first to serve from this process: "
            + f"prefect deployment delete {names}"
        )
    crons = {"pull-translate": args.translate_cron, "publish": args.publish_cron}
    serve(
        *deployments.served(
            str(settings.workdir),
            {"locales": args.locales and [loc.tag for loc in settings.locales],
             "engine": getattr(args, "engine", None)},
            {name: cron for name, cron in crons.items() if cron},
        )
    )
    return 0


def _prefect_environment(args: argparse.Namespace) -> None:
    """Before Prefect is imported: no telemetry, time for a cold start, run names in log
    lines, Dask's chatter at WARNING; ``--debug``: the tracebacks the flows log at DEBUG."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    debug = getattr(args, "debug", False)
    if debug:
        os.environ.update(DEBUG_LOGGING)
    from intl_pub_flows.logs import RunFormatter

    for handler in logging.getLogger().handlers:
        handler.setFormatter(RunFormatter())
    if not debug:  # read when Dask is imported, here and in the workers it starts
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


@contextlib.contextmanager
def _one_server(runner: str | None) -> Iterator[None]:
    """A local Dask cluster's workers report task runs to the run's own temporary server.

    Without a configured server (PREFECT_API_URL), Prefect starts a temporary one
    per process that runs a task: each Dask worker started its own (~5 s each),
    and the shards' task runs went to servers nobody could see. The workers are
    started by this process, so they inherit PREFECT_API_URL set here. The server
    is stopped at exit (Prefect's atexit), after the last logs were sent to it.
    """
    if runner != "dask" or os.environ.get("PREFECT_API_URL"):  # not a local cluster
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()  # Prefect's own temporary server, stopped at exit
    server.start(timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        del os.environ["PREFECT_API_URL"]
