"""The Prefect flow end to end under one session-scoped prefect_test_harness."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

pytestmark = pytest.mark.flow


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.mark.slow
def test_flow_runs_the_sample_blog_with_the_argos_engine(
    prefect_server: None, argos_models: Path, blog: Path
) -> None:
    from intl_pub_flows.pipeline_flow import run_flow

    state = run_flow(workdir=str(blog), engine="argos", return_state=True)
    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["failures"] == [] and summary["engine_calls"] == 3
    for lang in ("en", "es", "zh-hans", "ru"):
        assert (blog / "site" / lang / "new-pediatric-clinic" / "index.html").exists()
    po = polib.pofile(str(blog / "translations" / "ru" / "new-pediatric-clinic.po"))
    assert po.metadata["Language"] == "ru"
    assert all(e.fuzzy and "mt: argos translate-en_ru 0.0.1" in e.comment for e in po)

    second = run_flow(workdir=str(blog), engine="argos", return_state=True)
    assert second.is_completed() and second.result()["engine_calls"] == 0
    assert second.result()["written"] == 0


@pytest.mark.slow
def test_a_failing_source_fails_the_flow_but_not_the_other_posts(
    prefect_server: None, blog: Path
) -> None:
    from intl_pub_flows.pipeline_flow import run_flow

    state = run_flow(workdir=str(blog), engine="pseudo", return_state=True,
                     sources=["examples/blog/feed.xml", "no-such-folder"])
    assert state.is_failed()
    assert "source no-such-folder: " in state.message and "no such file or folder" in state.message
    assert (blog / "site" / "es" / "heat-wave-advice" / "index.html").exists()


def task_states(flow_run_id: object) -> dict[str, list[str]]:
    """Task run name -> state names, as the Prefect API reports them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    states: dict[str, list[str]] = {}
    for run in runs:
        states.setdefault(run.name, []).append(run.state.name if run.state else "")
    return states


@pytest.mark.slow
def test_an_unchanged_run_does_nothing_and_tasks_are_named_after_their_step(
    prefect_server: None, argos_models: Path, blog: Path
) -> None:
    from intl_pub_flows.pipeline_flow import translate_flow

    first = translate_flow(workdir=str(blog), engine="argos", return_state=True)
    assert first.is_completed() and first.result()["engine_calls"] == 3
    # From the first unchanged run on, the manifest says there is nothing to do.
    second = translate_flow(workdir=str(blog), engine="argos", return_state=True)
    assert second.is_completed() and second.result() == {"written": 0, "engine_calls": 0, "failures": []}
    assert task_states(first.state_details.flow_run_id) == {
        "pull": ["Completed"], "extract": ["Completed"], "translate-es-shard-1": ["Completed"],
        "translate-zh-hans-shard-1": ["Completed"], "translate-ru-shard-1": ["Completed"],
    }
    # nothing to translate: no shard at all
    assert task_states(second.state_details.flow_run_id) == {"pull": ["Completed"], "extract": ["Completed"]}
    post = blog / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    post.write_text(post.read_text("utf-8").replace("A short visit", "A short call"), "utf-8")
    third = translate_flow(workdir=str(blog), engine="argos", return_state=True)
    assert third.result()["engine_calls"] == 3  # the content changed: one batch per locale
    (blog / "translations" / "es" / "heat-wave-advice.po").unlink()
    fourth = translate_flow(workdir=str(blog), engine="argos", return_state=True)
    assert (blog / "translations" / "es" / "heat-wave-advice.po").exists()  # never a stale skip
    # the machine suggestions kept under translations/es/.mt/ refill it: no engine call
    assert fourth.result()["engine_calls"] == 0


@pytest.mark.slow
def test_publish_waits_for_the_review_threshold(prefect_server: None, blog: Path) -> None:
    from intl_pub_flows.pipeline_flow import publish_flow, translate_flow

    assert translate_flow(workdir=str(blog), engine="pseudo", return_state=True).is_completed()
    gated = publish_flow(workdir=str(blog), gate="threshold", min_reviewed=0.5)
    assert gated["published"] is False
    assert gated["waiting_for_review"][0].startswith("es 0% reviewed (needs 50%)")
    assert not (blog / "site").exists()
    opened = publish_flow(workdir=str(blog), gate="threshold", min_reviewed=0.0)
    assert opened["published"] is True and (blog / "site" / "ru" / "index.html").exists()


@pytest.mark.slow
def test_the_flow_on_a_dask_cluster_writes_the_same_catalogs_as_one_process(
    prefect_server: None, argos_models: Path, blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from intl_pub_flows.pipeline_flow import run_flow, with_task_runner

    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    alone = tmp_path / "alone"
    shutil.copytree(blog, alone)
    assert pipeline.run(load_settings(alone)).ok
    elsewhere = tmp_path / "elsewhere"  # the workers' working directory is not the work folder
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # small shards, so the two workers share each locale's work
    (blog / "intl-pub.toml").write_text((blog / "intl-pub.toml").read_text("utf-8") + "\n[mt]\ntoken_budget = 40\n", "utf-8")
    state = with_task_runner(run_flow, "dask")(workdir=str(blog), engine="argos", return_state=True)
    assert state.is_completed(), state.message
    assert state.result()["engine_calls"] == 3
    shards = [name for name in task_states(state.state_details.flow_run_id) if "-shard-" in name]
    assert len(shards) > 3  # more shards than locales
    ours = sorted((blog / "translations").rglob("*.po"))
    assert [p.relative_to(blog) for p in ours] == [p.relative_to(alone) for p in sorted((alone / "translations").rglob("*.po"))]
    for path in ours:
        assert path.read_bytes() == (alone / path.relative_to(blog)).read_bytes(), path
    assert list(elsewhere.iterdir()) == [] or all(p.name.startswith("dask") for p in elsewhere.iterdir())
    assert (blog / "site" / "zh-hans" / "heat-wave-advice" / "index.html").exists()


@pytest.mark.slow
def test_publish_waits_while_a_risky_review_is_stale_and_leaves_the_queue(
    prefect_server: None, blog: Path
) -> None:
    from intl_pub_flows.pipeline_flow import publish_flow, translate_flow
    from prefect.client.orchestration import get_client

    from intl_pub import catalog

    assert translate_flow(workdir=str(blog), engine="pseudo", return_state=True).is_completed()
    path = blog / "translations" / "ru" / "heat-wave-advice.po"
    cat = catalog.load(path)
    assert cat is not None
    entry = next(e for e in cat if e.msgid.startswith("Temperatures above"))
    catalog.review(entry, "Ожидается жара выше <1>30 °C</1>.")
    catalog.save(cat, path)
    assert publish_flow(workdir=str(blog), gate="no-stale-risk")["published"] is True
    post = blog / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    post.write_text(post.read_text().replace("this week", "from Monday"))
    assert translate_flow(workdir=str(blog), engine="pseudo", return_state=True).is_completed()
    gated = publish_flow(workdir=str(blog), gate="no-stale-risk")
    assert gated["published"] is False
    assert "[ru] dose" in gated["stale_risk"][0]

    async def artifacts() -> dict[str, object]:
        async with get_client() as client:
            return {a.key: (a.data, a.description) for a in await client.read_artifacts() if a.key}

    import asyncio

    found = asyncio.run(artifacts())
    assert {"review-queue", "review-status", "review-impact"} <= set(found)
    assert "heat-wave-advice.po" in str(found["review-queue"][0])
    # the flow says how many machine translations are shown in English for failing verification
    assert re.search(r"[1-9]\d* machine translations failing verification", found["review-queue"][1])


def test_a_source_that_is_down_fails_the_pull_task_after_its_retries(
    prefect_server: None, blog: Path
) -> None:
    import socket

    from intl_pub_flows.pipeline_flow import translate_flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with socket.socket() as sock:  # a port nobody listens on: the source is down
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    settings = blog / "intl-pub.toml"
    settings.write_text(settings.read_text("utf-8").replace(
        "[pipeline]\n", '[pipeline]\nallowed_hosts = ["127.0.0.1"]\nretries = { pull = 1 }\n'
        "retry_delay_seconds = 0\n"), "utf-8")
    state = translate_flow(workdir=str(blog), engine="pseudo", return_state=True,
                           sources=["examples/blog/feed.xml", down])
    assert state.is_failed() and f"source {down}: " in state.message
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    pull = next(r for r in runs if r.name == "pull")
    assert pull.state is not None and pull.state.is_failed()
    assert f"source {down}: " in (pull.state.message or "")
    assert pull.run_count == 2  # retried once, as the settings say
    assert {r.name: r.state.name for r in runs if r.state}["extract"] == "Completed"
    # the other source's posts went on: pulled, extracted, translated
    assert (blog / "translations" / "es" / "heat-wave-advice.po").exists()


def test_a_missing_work_folder_fails_the_flow_with_one_line(
    prefect_server: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from intl_pub_flows.pipeline_flow import publish_flow

    state = publish_flow(workdir=str(tmp_path / "gone"), return_state=True)
    assert state.is_failed()
    assert state.message == f"failed:\n{tmp_path / 'gone'}: no such work folder; pass --workdir with the folder that holds content/ and translations/"
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == [state.message.removeprefix("failed:\n")]
    assert all(r.exc_info is None for r in errors)  # no traceback at ERROR
