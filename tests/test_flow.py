"""The Prefect flow end to end under one session-scoped prefect_test_harness."""

from __future__ import annotations

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


def test_a_failing_source_fails_the_flow_but_not_the_other_posts(
    prefect_server: None, blog: Path
) -> None:
    from intl_pub_flows.pipeline_flow import run_flow

    state = run_flow(workdir=str(blog), engine="pseudo", return_state=True,
                     sources=["examples/blog/feed.xml", "no-such-folder"])
    assert state.is_failed()
    assert "source no-such-folder: " in state.message and "no such file or folder" in state.message
    assert (blog / "site" / "es" / "heat-wave-advice" / "index.html").exists()
