"""Tables derived from installed packages: kept between processes, never trusted blindly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from intl_pub.core import derived


class Builder:
    """A table that counts how often it was worked out."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", str(folder))
    return folder


def test_a_table_is_worked_out_once_and_read_back_equal(cache: Path) -> None:
    build = Builder({"paracetamol": ("acetaminophen",), "mg": "mass-milligram"})
    first = derived.remembered("table", build, "babel")
    again = derived.remembered("table", build, "babel")
    assert first == again == build.value
    assert build.calls == 1
    assert len(list(cache.glob("table-*.pickle"))) == 1


def test_another_process_reads_the_drug_dictionary_from_the_cache(cache: Path) -> None:
    """The point of it: a second run's verifier does not unpack the wheel's dictionary."""
    script = (
        "from intl_pub.qa import terms; d = terms._drugs();"
        " print(len(d.names), 'paracetamol' in d.names)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, env={**os.environ, "INTL_PUB_CACHE_DIR": str(cache)})
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.split()[1] == "True"
    assert len(list(cache.glob("drugs-*.pickle"))) == 1


def test_a_damaged_table_is_worked_out_again(cache: Path) -> None:
    build = Builder([1, 2, 3])
    derived.remembered("table", build)
    (stored,) = cache.glob("table-*.pickle")
    stored.write_bytes(stored.read_bytes()[:5])  # torn by a crash or a full disk
    assert derived.remembered("table", build) == [1, 2, 3]
    assert build.calls == 2
    assert derived.remembered("table", build) == [1, 2, 3]
    assert build.calls == 2  # and kept whole again


def test_other_package_versions_are_another_table(cache: Path) -> None:
    build = Builder("forms")
    derived.remembered("table", build, "babel")
    derived.remembered("table", build, "polib")
    assert build.calls == 2
    assert len(list(cache.glob("table-*.pickle"))) == 2


def test_no_cache_when_turned_off_or_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = Builder("forms")
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", "off")
    assert derived.remembered("table", build) == "forms"
    assert derived.remembered("table", build) == "forms"
    assert build.calls == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", str(blocked / "cache"))
    assert derived.remembered("table", build) == "forms"  # nothing kept, nothing broken
    assert blocked.read_text() == "not a folder"
