"""prefect.yaml and `intl-pub serve-flows`: one definition, and serving cannot break a worker's
deployments (a real `prefect server start`, `prefect deploy`, a process worker)."""

from __future__ import annotations

import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent


def test_prefect_yaml_is_the_one_definition_written_out() -> None:
    from intl_pub_flows import deployments

    assert (ROOT / "prefect.yaml").read_text("utf-8") == deployments.prefect_yaml(), (
        "prefect.yaml differs from flows/deployments.py: "
        "python -m intl_pub_flows.deployments > prefect.yaml"
    )
    assert deployments.main(["--check", str(ROOT / "prefect.yaml")]) == 0


def test_the_definition_names_real_flows_and_their_parameters() -> None:
    from intl_pub_flows import deployments, pipeline_flow

    for deployment in deployments.DEPLOYMENTS:
        chosen = getattr(pipeline_flow, deployment.flow)
        assert chosen.name == deployment.flow_name
        assert set(deployment.parameters) <= set(inspect.signature(chosen.fn).parameters)


def test_serve_flows_serves_what_prefect_yaml_deploys(tmp_path: Path) -> None:
    import yaml
    from intl_pub_flows import deployments

    deployed = yaml.safe_load(deployments.prefect_yaml())["deployments"]
    served = deployments.served(str(tmp_path), {"locales": None, "engine": None}, {})
    assert [d.name for d in served] == [d["name"] for d in deployed]
    for runner, spec in zip(served, deployed, strict=True):
        assert runner.entrypoint == spec["entrypoint"]
        assert runner.description == spec["description"]
        assert runner.parameters == {**spec["parameters"], "workdir": str(tmp_path)}
        crons = [(s.schedule.cron, s.schedule.timezone) for s in runner.schedules]
        assert crons == [(s["cron"], s["timezone"]) for s in spec.get("schedules", [])]
        assert deployments.SERVED_TAG in runner.tags and deployments.SERVED_TAG not in spec["tags"]
    changed = deployments.served(
        str(tmp_path), {"locales": ["es"], "engine": "pseudo"}, {"publish": "0 7 * * *"}
    )
    assert changed[0].parameters["engine"] == "pseudo" and changed[0].parameters["locales"] == ["es"]
    assert "engine" not in changed[1].parameters  # publish_flow takes no engine
    assert changed[1].schedules[0].schedule.cron == "0 7 * * *"


# --- a real server, prefect deploy, serve-flows, a worker ------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def prefect_api(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME; the
    environment that points commands at it."""
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.5)
        else:
            pytest.fail("the Prefect server did not start: " + (tmp_path / "server.log").read_text())
        yield env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _run(env: dict[str, str], *command: object, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def _deployments(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every deployment on the server, by name, as the API returns it."""
    api = env["PREFECT_API_URL"]
    found = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    return {d["name"]: d for d in found}


@pytest.mark.slow
@pytest.mark.flow
def test_serve_flows_cannot_replace_prefect_yaml_deployments_and_the_worker_publishes(
    prefect_api: dict[str, str], blog: Path
) -> None:
    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    env = {**prefect_api, "INTL_PUB_ROOT": str(blog)}
    shutil.copy(ROOT / "prefect.yaml", blog / "prefect.yaml")  # a work folder with its deployments
    assert pipeline.run(replace(load_settings(blog), engine="pseudo"), publish=False).ok
    created = _run(env, BIN / "prefect", "work-pool", "create", "intl-pub", "--type", "process", cwd=blog)
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = _run(env, BIN / "prefect", "--no-prompt", "deploy", "--all", cwd=blog)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    before = _deployments(env)
    assert set(before) == {"pull-translate", "publish", "publish-after-approval"}
    publish = before["publish"]
    assert publish["entrypoint"] == "intl_pub_flows.pipeline_flow.publish_flow"
    assert publish["parameters"] == {"workdir": ".", "gate": "threshold", "min_reviewed": 0.0}
    assert publish["work_pool_name"] == "intl-pub" and publish["pull_steps"]

    served = _run({**env, "INTL_PUB_ROOT": ""}, BIN / "intl-pub", "serve-flows", "--workdir", blog,
                  cwd=blog, timeout=60)
    assert served.returncode == 1
    errors = [line for line in served.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "would replace" in errors[0], served.stderr
    assert "intl-pub-publish/publish (work pool 'intl-pub'" in errors[0]
    assert "prefect deployment delete" in errors[0]
    assert _deployments(env) == before  # untouched, to the `updated` time

    run = _run(env, BIN / "prefect", "deployment", "run", "intl-pub-publish/publish", cwd=blog)
    assert run.returncode == 0, run.stdout + run.stderr
    worker_env = {k: v for k, v in env.items() if k != "INTL_PUB_ROOT"}  # prefect.yaml's pull step
    worker = _run(worker_env, BIN / "prefect", "worker", "start", "--pool", "intl-pub", "--run-once",
                  cwd=blog.parent)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    api = env["PREFECT_API_URL"]
    runs = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=10).json()
    ours = [r for r in runs if r["deployment_id"] == publish["id"] and r["state_type"] != "SCHEDULED"]
    assert [r["state_type"] for r in ours] == ["COMPLETED"], worker.stdout + worker.stderr
    for lang in ("en", "es", "zh-hans", "ru"):
        assert (blog / "site" / lang / "heat-wave-advice" / "index.html").exists()
