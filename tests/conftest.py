"""Test set-up that must happen before anything imports argostranslate or prefect.

argostranslate reads XDG_* once at import and creates folders; Prefect reads
its settings at import. Both are pointed at a private temporary folder here,
at collection time, so tests never touch the user's models or Prefect
database. The network is blocked except for loopback (Prefect's local server).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

TEST_HOME = Path(tempfile.mkdtemp(prefix="intl-pub-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(TEST_HOME / _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(TEST_HOME / "argos-packages")
os.environ["PREFECT_HOME"] = str(TEST_HOME / "prefect")
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "60"
os.environ["PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"] = "ignore"
os.environ.pop("PREFECT_API_URL", None)
os.environ["SOURCE_DATE_EPOCH"] = "1795000000"  # fixed catalog dates: golden files stay golden

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else address
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise OSError(f"network access blocked in tests: {address}")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def model_files() -> Path:
    """The three test .argosmodel files (en→es/zh/ru), built here, not downloaded."""
    from argosmodel import build_package

    out = TEST_HOME / "argosmodels"
    out.mkdir(exist_ok=True)
    for code in ("es", "zh", "ru"):
        build_package(str(out), code)
    return out


@pytest.fixture(scope="session")
def argos_models(model_files: Path) -> Path:
    """The test models installed with argostranslate's own install_from_path."""
    from intl_pub.mt import argos

    argos.install_files([model_files])
    return model_files


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """A work folder holding the sample blog and its settings file."""
    shutil.copy(ROOT / "intl-pub.toml", tmp_path / "intl-pub.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A Prefect flow test is a slow test too: `-m "not slow"` leaves every one out."""
    for item in items:
        if item.get_closest_marker("flow") is not None:
            item.add_marker(pytest.mark.slow)
