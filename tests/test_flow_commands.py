"""`intl-pub run` and `serve-flows` as an operator meets them: what they print, and when."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from intl_pub_flows.logs import NoEmptyTraceback, step_line

from intl_pub.core.config import load_settings
from intl_pub.core.errors import ConfigError
from intl_pub.core.model import RunReport


def intl_pub(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "intl_pub.cli", *args],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("engine", ["argos", "pseudo"])
def test_a_missing_work_folder_is_one_line_before_any_server_starts(
    engine: str, tmp_path: Path
) -> None:
    # argos: no model is installed either; the work folder is what is wrong first
    result = intl_pub("run", "--workdir", str(tmp_path / "nonexistent"), "--engine", engine,
                      cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'nonexistent'}: no such work folder; pass --workdir with the folder "
        "that holds content/ and translations/"
    ]
    assert "Starting temporary server" not in result.stderr + result.stdout


def test_serve_flows_without_a_server_says_how_to_start_one(blog: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run([sys.executable, "-m", "intl_pub.cli", "serve-flows", "--workdir", str(blog)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: schedules need a running Prefect server")


def test_a_step_line_counts_what_the_step_wrote() -> None:
    report = RunReport(
        written=["content/a.html", "content/b.html", "translations/templates/a.pot",
                 "translations/es/a.po", "translations/es/.mt/a.json", "site/es/a/index.html",
                 "site/index.html", "site/sitemap.xml", ".intl-pub/x"],
        failures=["a [es]: broken"], engine_calls=1,
    )
    assert step_line(report) == (
        "2 posts, 1 template, 1 catalog, 1 machine suggestion file, 2 pages, 1 other site file, "
        "1 other file written, 1 engine call, 1 failed"
    )
    assert step_line(RunReport()) == "nothing changed"


def test_an_error_record_without_an_exception_shows_no_empty_traceback() -> None:
    handler_output: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler_output.append(self.format(record))

    logger = logging.getLogger("test-no-empty-traceback")
    logger.propagate = False
    logger.addHandler(Keep())
    logger.error("failed with state: Failed()", exc_info=True)  # as Prefect does, outside except
    assert handler_output[-1].endswith("NoneType: None")
    logger.addFilter(NoEmptyTraceback())
    logger.error("failed with state: Failed()", exc_info=True)
    assert handler_output[-1] == "failed with state: Failed()"
    try:
        raise ValueError("a real one")
    except ValueError:
        logger.error("unexpected", exc_info=True)
    assert "ValueError: a real one" in handler_output[-1]  # real tracebacks are kept


def test_retries_are_configured_per_step(tmp_path: Path) -> None:
    assert load_settings(tmp_path).retries == {"pull": 2, "translate": 1}
    settings = tmp_path / "intl-pub.toml"
    settings.write_text("[pipeline]\nretries = { pull = 5, publish = 1 }\nretry_delay_seconds = 3\n")
    loaded = load_settings(tmp_path)
    assert loaded.retries == {"pull": 5, "translate": 1, "publish": 1}
    assert loaded.retry_delay_seconds == (3.0,)
    for bad, says in [("retries = { fetch = 1 }", "unknown step 'fetch'"),
                      ("retries = { pull = -1 }", "retries.pull must be a whole number"),
                      ("retries = 2", "retries must be a table"),
                      ("retry_delay_seconds = [\"soon\"]", "retry_delay_seconds must be")]:
        settings.write_text(f"[pipeline]\n{bad}\n")
        with pytest.raises(ConfigError, match=says):
            load_settings(tmp_path)
