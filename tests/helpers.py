"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from intl_pub import catalog
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.core.model import Unit


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


# --- a reviewed catalog and the English edit after it (test_catalog, test_review) --------------


ES = LOCALES["es"]


BEFORE_UNITS = [
    Unit("Hello world.", 3, note="h1"),
    Unit("The clinic opens on <1>Monday</1>.", 5, note="p"),
    Unit("Vaccines are free for adults over 65.", 7, note="p"),
    Unit("This paragraph will be removed.", 9, note="p"),
]


AFTER_UNITS = [
    Unit("Hello world.", 3, note="h1"),
    Unit("The clinic opens on <1>Tuesday</1>.", 5, note="p"),
    Unit("Vaccines are free for adults over 65.", 7, note="p"),
    Unit("A brand new paragraph about parking.", 9, note="p"),
    Unit("Hello world.", 11, note="p"),
]


def template(units: list[Unit]) -> catalog.Catalog:
    return catalog.build_template(units, "content/post.html", "Blog post")


def reviewed_before() -> catalog.Catalog:
    """What a translator left: everything translated and reviewed, with a comment."""
    po = catalog.merge(template(BEFORE_UNITS), None, ES)
    texts = [
        "Hola mundo.",
        "La clínica abre el <1>lunes</1>.",
        "Las vacunas son gratuitas para adultos mayores de 65 años.",
        "Este párrafo se eliminará.",
    ]
    for entry, text in zip(po, texts, strict=True):
        catalog.review(entry, text)
    catalog.review(po[0], comment="checked with the comms team")
    return po


# --- the sample blog's heat-wave post, reviewed as a translator would (reader notes, triage) ---


HEAT = "heat-wave-advice"


NEIGHBOURS = "Check on neighbours who live alone. A short visit can save a life."


REVIEWED_ES = "Visite a los vecinos que viven solos. Una visita corta puede salvar una vida."


def review(workdir: Path, gettext: str, starts: str, text: str, slug: str = HEAT) -> str:
    """What a translator does in Poedit: write the translation, clear fuzzy. Returns the msgid."""
    path = workdir / "translations" / gettext / f"{slug}.po"
    cat = catalog.load(path)
    assert cat is not None
    entry = next(e for e in cat if e.msgid.startswith(starts))
    catalog.review(entry, text)
    catalog.save(cat, path)
    return entry.msgid
