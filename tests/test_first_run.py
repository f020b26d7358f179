"""A newcomer's first `./run.sh`, the way CI sees it: a fresh clone, no models, no network.

The clone runs with the test suite's own virtualenv (``INTL_PUB_VENV``), so the
test costs a pipeline run (~1 min: Prefect's temporary server), not a venv set-up
of several minutes; the clone's own sources (src/ and flows/) come first on the path. The Argos
index points at a loopback port nobody listens on, which is what "no network"
looks like to `intl-pub models install`, and the Argos data folders are empty.
Marked ``flow`` (it runs the Prefect flow): `./test.sh -m "not flow"` skips it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SLUGS = ["flu-vaccination-2026", "heat-wave-advice", "new-pediatric-clinic", "patient-portal-results"]

pytestmark = pytest.mark.flow


def _clone(target: Path) -> Path:
    """A clone of the commit under test (what CI checks out), without the working tree's state."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", head], check=True)
    return target


def _flows_package(home: Path, clone: Path) -> Path:
    """A folder where ``intl_pub_flows`` is the clone's flows/ (installed under that name)."""
    shim = home / "flows-shim"
    shim.mkdir(parents=True)
    (shim / "intl_pub_flows").symlink_to(clone / "flows", target_is_directory=True)
    return shim


def _offline_env(home: Path, clone: Path) -> dict[str, str]:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{unused.getsockname()[1]}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTL_PUB_", "PREFECT_"))}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "PREFECT_HOME"):
        (home / name.lower()).mkdir(parents=True)
        env[name] = str(home / name.lower())
    (home / "argos-packages").mkdir()
    env.update(
        ARGOS_PACKAGES_DIR=str(home / "argos-packages"),
        ARGOS_PACKAGE_INDEX=dead,  # the Argos index is unreachable: "no network"
        HTTPS_PROXY=dead, HTTP_PROXY=dead, https_proxy=dead, http_proxy=dead,
        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
        INTL_PUB_VENV=str(Path(sys.prefix)),  # the suite's own virtualenv, used as it is
        PYTHONPATH=f"{clone / 'src'}{os.pathsep}{_flows_package(home, clone)}",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        DO_NOT_TRACK="1",
    )
    return env


@pytest.mark.slow
@pytest.mark.subprocess
def test_run_sh_on_a_fresh_clone_without_models_or_network_builds_a_pseudo_site(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    assert not list((clone / "models").glob("*.argosmodel"))
    env = _offline_env(tmp_path / "home", clone)
    start = time.monotonic()
    result = subprocess.run(["./run.sh"], cwd=clone, env=env, capture_output=True, text=True,
                            timeout=600, stdin=subprocess.DEVNULL)
    took = time.monotonic() - start
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    # It says so at the start (before the pipeline) and at the end, why, and what to run instead.
    notices = [i for i, line in enumerate(result.stdout.splitlines()) if "PSEUDO-LOCALIZATION" in line]
    assert len(notices) == 2, result.stdout
    lines = result.stdout.splitlines()
    assert notices[0] < next(i for i, line in enumerate(lines) if "running the pipeline" in line) < notices[1]
    assert "Argos package index could not be reached" in result.stdout
    assert "cannot read the Argos package index" in result.stderr  # the installer's own reason
    assert lines[notices[1]:].count("    into models/ (or connect to the internet), then run:  ./run.sh --engine argos") == 1
    # The site is whole: every post in every language, indexes, feeds, sitemap, robots, assets.
    site = clone / "site"
    for lang in ("en", "es", "zh-hans", "ru"):
        assert (site / lang / "index.html").is_file() and (site / lang / "feed.xml").is_file()
        for slug in SLUGS:
            assert (site / lang / slug / "index.html").is_file(), (lang, slug)
    for name in ("index.html", "sitemap.xml", "robots.txt", "assets/site.css", "favicon.svg"):
        assert (site / name).is_file(), name
    page = BeautifulSoup((site / "es" / "heat-wave-advice" / "index.html").read_text("utf-8"), "html.parser")
    heading = page.find("h1")
    for label in heading.select(".l10n-sr"):  # "Machine translation:" for screen readers
        label.decompose()
    assert heading.get_text().startswith("[")  # pseudo-localized, visibly
    assert not list((tmp_path / "home" / "argos-packages").iterdir())
    assert took < 600


@pytest.mark.slow
@pytest.mark.subprocess
def test_intl_pub_run_itself_never_falls_back_to_pseudo(tmp_path: Path) -> None:
    """A scheduled production run must fail without models, not publish pseudo text."""
    clone = _clone(tmp_path / "clone")
    env = _offline_env(tmp_path / "home", clone)
    result = subprocess.run([str(Path(sys.prefix) / "bin" / "intl-pub"), "run"], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "no Argos model installed" in result.stderr and "models install" in result.stderr
    assert not (clone / "site").exists()


@pytest.mark.slow
@pytest.mark.subprocess
def test_run_sh_with_engine_argos_asked_for_does_not_fall_back(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    env = _offline_env(tmp_path / "home", clone)
    result = subprocess.run(["./run.sh", "--engine", "argos"], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "--engine argos asks for real translation, so nothing was run" in result.stderr
    assert not (clone / "site").exists()
