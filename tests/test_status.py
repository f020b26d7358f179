"""``intl-pub status``: JSON for scripts, and a table that a log keeps whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings
from intl_pub.core.locales import parse_locales
from intl_pub.review import overview

LOCALES = "es,ar"


def status(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a cron job or CI step runs it: stdout a pipe, not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "intl_pub.cli", "status", "--workdir", str(workdir),
         "--locales", LOCALES, *args],
        capture_output=True, text=True, timeout=300, env=dict(os.environ),
    )


@pytest.fixture
def reviewed_blog(blog: Path) -> Path:
    """The sample blog translated (pseudo) into es and ar; in es one entry reviewed as a
    translator would, and one reviewed with a token lost (a QA error)."""
    settings = replace(load_settings(blog), engine="pseudo", locales=parse_locales(LOCALES))
    assert pipeline.run(settings).ok
    path = blog / "translations" / "es" / "new-pediatric-clinic.po"
    po = catalog.load(path)
    assert po is not None
    plain = next(e for e in po if e.machine and "<1>" not in e.msgid)
    tokens = next(e for e in po if e.machine and "<1>" in e.msgid)
    catalog.review(plain, "Una traducción revisada.")
    catalog.review(tokens, "Sin etiquetas.")
    catalog.save(po, path)
    return blog


def counts(path: Path) -> dict[str, int]:
    """What a catalog holds, read with polib here (not through intl-pub)."""
    live = [e for e in polib.pofile(str(path)) if not e.obsolete]
    reviewed = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
    machine = sum(1 for e in live if e.msgstr and "fuzzy" in e.flags)
    return {"reviewed": reviewed, "machine": machine, "untranslated": len(live) - reviewed - machine}


@pytest.mark.subprocess
def test_status_json_counts_every_catalog_per_locale_and_post(reviewed_blog: Path) -> None:
    result = status(reviewed_blog, "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["locales"]
    assert [loc["locale"] for loc in found] == ["es", "ar"]
    for loc in found:
        folder = reviewed_blog / "translations" / ("es" if loc["locale"] == "es" else "ar")
        files = {p.stem: p for p in folder.glob("*.po")}
        assert {row["post"] for row in loc["posts"]} == set(files)
        for row in loc["posts"]:
            assert {k: row[k] for k in ("reviewed", "machine", "untranslated")} == counts(
                files[row["post"]])
            assert row["total"] == sum(counts(files[row["post"]]).values())
            assert row["interface"] == (row["post"] == "site")
        for name in overview.COUNTS:
            assert loc[name] == sum(row[name] for row in loc["posts"])
    es = {row["post"]: row for row in found[0]["posts"]}
    assert es["new-pediatric-clinic"]["reviewed"] == 2
    assert es["new-pediatric-clinic"]["qa_errors"] == 1  # the lost token
    assert es["heat-wave-advice"]["held_back"] > 0  # "30 °C", "999": risky, unreviewed
    assert es["site"]["reviewed"] >= 11  # the shipped interface words; the title is machine
    ar_site = next(row for row in found[1]["posts"] if row["post"] == "site")
    assert ar_site["reviewed"] == 0 and ar_site["machine"] == ar_site["total"] >= 12


@pytest.mark.subprocess
def test_status_in_a_log_is_plain_aligned_text_with_every_column(reviewed_blog: Path) -> None:
    result = status(reviewed_blog)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not any(ch in result.stdout for ch in "┃│━─┏┡└")  # no box drawn for a terminal
    assert lines[0].split() == ["locale", "post", "reviewed", "machine", "(fuzzy)",
                                "untranslated", "held", "back", "stale", "QA", "errors"]
    assert max(len(line) for line in lines) > 80  # wider than rich's default: kept whole
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 2 * (4 + 1 + 1)  # per locale: 4 posts, site, all
    for row in rows:
        assert len(row) == 8 + 3  # three "n (p%)" cells take two words each
    posts = {row[1] for row in rows}
    assert {"new-pediatric-clinic", "site", "all"} <= posts
    ends = {len(line) for line in lines[1:]}
    assert len(ends) == 1  # right-aligned counts: every row ends in the same column


def test_status_checks_the_syntax_of_the_catalogs_changed_since_the_run_only(
    reviewed_blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog the run wrote and nobody touched is read without GNU's syntax check (its
    digest is the one translate recorded); one a translator saved, or broke, is checked,
    and a broken one is named with its line, as before."""
    from intl_pub.catalog import poformat
    from intl_pub.review import status as status_module

    settings = replace(load_settings(reviewed_blog), locales=parse_locales(LOCALES))
    linted: list[str] = []
    lint = poformat.lint
    monkeypatch.setattr(poformat, "lint", lambda text: linted.append(text) or lint(text))
    rows = status_module.status(settings)
    saved = (reviewed_blog / "translations" / "es" / "new-pediatric-clinic.po").read_text("utf-8")
    assert linted == [saved]  # the translator's save, and nothing the run wrote
    assert len(rows) == 2 * 4 and not any(row.error for row in rows)

    broken = reviewed_blog / "translations" / "ar" / "new-pediatric-clinic.po"
    broken.write_text(broken.read_text("utf-8") + 'msgid "unterminated\n', "utf-8")
    rows = {(r.locale, r.slug): r for r in status_module.status(settings)}
    error = rows["ar", "new-pediatric-clinic"].error
    assert "new-pediatric-clinic.po:" in error and rows["es", "new-pediatric-clinic"].error == ""


def test_status_of_a_folder_never_run_creates_no_state(blog: Path) -> None:
    """A report only reads: before any run there is no state database, and after one
    status there still is none."""
    from intl_pub.review import status as status_module

    settings = replace(load_settings(blog), locales=parse_locales(LOCALES))
    state = blog / ".intl-pub" / "state.sqlite"
    assert not state.exists()
    status_module.status(settings)
    assert not state.exists()


def test_a_catalog_saved_while_translate_writes_it_is_checked_by_status(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translator saves a catalog (with a mistake) just after the translate step wrote
    it: the run keeps their file, and records the digest of what it wrote, not of their
    save, so ``status`` checks their file and names the mistake, as ``check`` does."""
    import importlib
    import sqlite3

    from intl_pub.review import status as status_module

    translate = importlib.import_module("intl_pub.pipeline.translate")  # (the module)

    settings = replace(load_settings(blog), engine="pseudo", locales=parse_locales("es"))
    target = blog / "translations" / "es" / "new-pediatric-clinic.po"
    real = translate.save_machine_memory

    def translator_saves(store: object, locale: object, slug: str, *args: object) -> None:
        if slug == "new-pediatric-clinic":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"'
                              '\n\nmsgid "Hello"\nmsgstr "\\q"\n', "utf-8")
        real(store, locale, slug, *args)  # type: ignore[arg-type]

    for again in (False, True):  # written by the step; then left as it was (unchanged)
        if again:  # the step's records forgotten: every catalog is merged again
            target.unlink()
            assert pipeline.run(settings, publish=False).ok
            with sqlite3.connect(blog / ".intl-pub" / "state.sqlite") as db:
                db.execute("DELETE FROM manifest WHERE step = 'translate-es'")
        monkeypatch.setattr(translate, "save_machine_memory", translator_saves)
        pipeline.run(settings, publish=False)
        monkeypatch.setattr(translate, "save_machine_memory", real)
        assert "\\q" in target.read_text("utf-8")  # their save was kept
        rows = {r.slug: r for r in status_module.status(settings)}
        assert "new-pediatric-clinic.po:" in rows["new-pediatric-clinic"].error, again
    rows = {r.slug: r for r in status_module.status(settings)}
    assert "new-pediatric-clinic.po:" in rows["new-pediatric-clinic"].error
    findings = status_module.check(settings)
    assert any(f.file == target and f.check == "catalog" for f in findings)
