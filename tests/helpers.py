"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path: to prove what a run did or did not touch."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".intl-pub.lock"
    }


REGEN = os.environ.get("INTL_PUB_REGEN") == "1"
"""``INTL_PUB_REGEN=1 ./test.sh <tests>`` rewrites the golden files those tests compare with."""


def golden(expected: Path, actual: str | Path) -> None:
    """Compare an output with its golden file (a text) or golden folder (a tree of files).

    A golden file is only ever written when regeneration is asked for (``INTL_PUB_REGEN=1``):
    review the diff before committing it.
    """
    if isinstance(actual, Path):
        if REGEN:
            shutil.rmtree(expected, ignore_errors=True)
            shutil.copytree(actual, expected)
        assert expected.is_dir(), f"{expected} is missing: INTL_PUB_REGEN=1 ./test.sh writes it"
        want, got = snapshot(expected), snapshot(actual)
        assert sorted(got) == sorted(want)
        for name in want:
            assert got[name].decode("utf-8") == want[name].decode("utf-8"), name
        return
    if REGEN:
        expected.write_text(actual, encoding="utf-8")
    assert expected.exists(), f"{expected} is missing: INTL_PUB_REGEN=1 ./test.sh writes it"
    assert actual == expected.read_text(encoding="utf-8")
