"""intl-pub's deployments, defined once: ``prefect.yaml`` and ``intl-pub serve-flows``.

``prefect.yaml`` (deployments run by a worker from the work pool ``intl-pub``)
is generated from :data:`DEPLOYMENTS` and a test checks that it still is:
``python -m intl_pub_flows.deployments > prefect.yaml``. ``serve-flows`` serves
the same deployments, with the same names, parameters and schedules, from its
own process. A served deployment and a worker's deployment of the same name
are the same deployment to Prefect: serving replaces the worker's entrypoint,
pull step and work pool, and the worker's next run crashes. So
``serve-flows`` tags what it creates (:data:`SERVED_TAG`) and refuses to
replace a deployment that does not carry the tag (:func:`foreign`).

Entrypoints are module paths (``intl_pub_flows.pipeline_flow.publish_flow``):
the installed package, not a file of this repository, so a work folder
anywhere can be deployed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.deployments.runner import RunnerDeployment

FLOWS_MODULE = "intl_pub_flows.pipeline_flow"
WORK_POOL = "intl-pub"
TAG = "intl-pub"
SERVED_TAG = "intl-pub-serve-flows"
"""Carried by the deployments ``serve-flows`` creates: the ones it may replace."""
TIMEZONE = "UTC"


@dataclass(frozen=True)
class Deployment:
    """One deployment of an intl-pub flow, as both ways of running it see it."""

    name: str
    """The deployment's name (under its flow's name: ``intl-pub-publish/publish``)."""
    flow: str
    """The flow function in :data:`FLOWS_MODULE` (``publish_flow``)."""
    flow_name: str
    """The flow's name in Prefect (``@flow(name=...)``); checked against the flow by a test."""
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    """The flow's parameters; ``workdir`` is the flow run's working directory in
    ``prefect.yaml`` (the pull step goes to ``$INTL_PUB_ROOT``), the absolute
    ``--workdir`` when served. Locales and engine come from the work folder's
    ``intl-pub.toml`` unless given here."""
    cron: str | None = None
    """When it runs (UTC); None: on demand only."""

    @property
    def entrypoint(self) -> str:
        return f"{FLOWS_MODULE}.{self.flow}"

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"


DEPLOYMENTS: tuple[Deployment, ...] = (
    Deployment(
        name="pull-translate",
        flow="translate_flow",
        flow_name="intl-pub-translate",
        description="Pull the sources and machine-translate what is new into the catalogs, "
        "hourly.",
        parameters={"workdir": "."},
        cron="0 * * * *",
    ),
    Deployment(
        name="publish",
        flow="publish_flow",
        flow_name="intl-pub-publish",
        description="Publish the site daily, once every locale has enough reviewed text.",
        parameters={"workdir": ".", "gate": "threshold", "min_reviewed": 0.0},
        cron="30 6 * * *",
    ),
    Deployment(
        name="publish-after-approval",
        flow="publish_flow",
        flow_name="intl-pub-publish",
        description="Publish when an editor resumes the paused run in the Prefect UI "
        "(no schedule).",
        parameters={"workdir": ".", "gate": "approval", "approval_timeout_hours": 24},
    ),
)

HEADER = """\
# Deployments of intl-pub for a Prefect server (schedules need a real server, not the
# temporary one a plain `intl-pub run` starts). GENERATED from flows/deployments.py, which
# `intl-pub serve-flows` serves too: edit that file, then
#   python -m intl_pub_flows.deployments > prefect.yaml
# From the work folder (here: the repository, with the sample blog):
#   scripts/prefect-local.sh            # local server + work pool + these deployments
# or, against your own server:
#   prefect work-pool create intl-pub --type process
#   INTL_PUB_ROOT="$PWD" prefect --no-prompt deploy --all
#   prefect worker start --pool intl-pub
# Flow runs start in $INTL_PUB_ROOT (the work folder with intl-pub.toml), which decides the
# locales and the engine.
"""


def prefect_yaml(deployments: Sequence[Deployment] = DEPLOYMENTS) -> str:
    """The text of ``prefect.yaml`` for ``deployments`` (what ``prefect deploy --all`` reads)."""
    from prefect import __version__ as prefect_version

    document = {
        "name": "intl-pub",
        "prefect-version": prefect_version,
        "build": None,
        "push": None,
        "pull": [
            {
                "prefect.deployments.steps.set_working_directory": {
                    "directory": "{{ $INTL_PUB_ROOT }}"
                }
            }
        ],
        "deployments": [_yaml_deployment(d) for d in deployments],
    }
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + "\n" + body


def _yaml_deployment(deployment: Deployment) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": deployment.name,
        "description": deployment.description,
        "entrypoint": deployment.entrypoint,
        "parameters": dict(deployment.parameters),
    }
    if deployment.cron:
        entry["schedules"] = [{"cron": deployment.cron, "timezone": TIMEZONE}]
    entry["work_pool"] = {"name": WORK_POOL}
    entry["tags"] = [TAG]
    return entry


def served(
    workdir: str,
    overrides: Mapping[str, Any],
    crons: Mapping[str, str],
    deployments: Sequence[Deployment] = DEPLOYMENTS,
) -> list[RunnerDeployment]:
    """The deployments as ``serve-flows`` serves them: the absolute work folder,
    ``overrides`` (``--locales``, ``--engine`` where the flow takes them) and the
    schedules ``crons`` gives by deployment name."""
    import inspect

    from intl_pub_flows import pipeline_flow
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    runners = []
    for deployment in deployments:
        chosen = getattr(pipeline_flow, deployment.flow)
        takes = inspect.signature(chosen.fn).parameters
        parameters = {
            **deployment.parameters,
            **{k: v for k, v in overrides.items() if k in takes and v is not None},
            "workdir": workdir,
        }
        cron = crons.get(deployment.name, deployment.cron)
        runners.append(
            chosen.to_deployment(
                name=deployment.name,
                description=deployment.description,
                parameters=parameters,
                schedule=Cron(cron, timezone=TIMEZONE) if cron else None,
                tags=[TAG, SERVED_TAG],
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return runners


def foreign(
    client: SyncPrefectClient, deployments: Sequence[Deployment] = DEPLOYMENTS
) -> list[tuple[str, str]]:
    """The deployments on the server that ``serve-flows`` would replace but did not create:
    (``flow/deployment``, what it is)."""
    from prefect.exceptions import ObjectNotFound

    found = []
    for deployment in deployments:
        try:
            existing = client.read_deployment_by_name(deployment.full_name)
        except ObjectNotFound:
            continue
        if SERVED_TAG in (existing.tags or []):
            continue
        pool = f"work pool {existing.work_pool_name!r}" if existing.work_pool_name else "no pool"
        found.append((deployment.full_name, f"{pool}, entrypoint {existing.entrypoint}"))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m intl_pub_flows.deployments``: print prefect.yaml; ``--check FILE``:
    exit 1 when FILE differs from it."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = prefect_yaml()
    if args[:1] == ["--check"] and len(args) == 2:
        with open(args[1], encoding="utf-8") as handle:
            if handle.read() != text:
                print(
                    f"{args[1]} is not what flows/deployments.py defines; regenerate it: "
                    "python -m intl_pub_flows.deployments > prefect.yaml",
                    file=sys.stderr,
                )
                return 1
        return 0
    if args:
        print("usage: python -m intl_pub_flows.deployments [--check prefect.yaml]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
