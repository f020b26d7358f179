"""publish.verdicts: machine translation verified once, where it is made; pages the same."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot

from intl_pub import pipeline
from intl_pub.core.config import load_settings
from intl_pub.publish import verdicts
from intl_pub.qa import verify


def run(workdir: Path, **steps: bool) -> None:
    settings = replace(load_settings(workdir), engine="pseudo")
    report = pipeline.run(settings, **steps)
    assert report.ok, report.failures


def publish_again(workdir: Path) -> dict[str, bytes]:
    """Every page rendered again (site/ deleted), as after a template change; the site."""
    shutil.rmtree(workdir / "site")
    run(workdir, pull=False, translate=False)
    return snapshot(workdir / "site")


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The English of every unit the verifier is asked about from now on."""
    asked: list[str] = []
    real: Callable[..., Any] = verify.verify

    def spy(english: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(english)
        return real(english, *args, **kwargs)

    monkeypatch.setattr(verify, "verify", spy)
    return asked


def test_translate_verifies_what_the_engine_wrote_and_publish_reads_the_verdicts(
    blog: Path, verified: list[str]
) -> None:
    run(blog)
    assert verified  # the engine's new translations, checked as they were made
    first = snapshot(blog / "site")
    verified.clear()
    assert publish_again(blog) == first
    assert verified == []  # no page verified anything again
    (blog / ".intl-pub" / "verdicts.sqlite").unlink()
    assert publish_again(blog) == first  # verified afresh: the same pages
    assert verified


def test_a_new_glossary_or_verifier_checks_every_translation_again(
    blog: Path, verified: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(blog)
    verified.clear()
    (blog / "translations" / "glossary.toml").write_text('critical = ["sweating"]\n', "utf-8")
    publish_again(blog)
    assert verified  # a critical term may hold a unit back now
    verified.clear()
    publish_again(blog)
    assert verified == []
    monkeypatch.setattr(verdicts, "_verifier", lambda: "the next version")
    verdicts._CLEANED.clear()  # (a new process)
    publish_again(blog)
    assert verified
    with sqlite3.connect(blog / ".intl-pub" / "verdicts.sqlite") as db:
        kept = db.execute("SELECT locale, COUNT(DISTINCT generation) FROM verdict GROUP BY locale")
        assert sorted(kept) == [("es", 1), ("ru", 1), ("zh-Hans", 1)]  # the older ones gone


def test_a_verifier_that_fails_while_translating_leaves_the_catalogs_and_the_site_whole(
    blog: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(verdicts.Verdicts, "get", broken)
    with caplog.at_level(logging.WARNING, logger="intl_pub.pipeline.translate"):
        run(blog, publish=False)
    assert "not verified in advance" in caplog.text
    catalogs = snapshot(blog / "translations")
    monkeypatch.undo()
    run(blog, pull=False, translate=False)
    assert snapshot(blog / "translations") == catalogs
    assert (blog / "site" / "es" / "index.html").exists()


def test_a_damaged_or_unusable_verdicts_file_costs_time_not_pages(
    blog: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run(blog)
    first = snapshot(blog / "site")
    kept = blog / ".intl-pub" / "verdicts.sqlite"
    kept.write_bytes(b"SQLite format 3\x00 torn in half by a crash")
    with caplog.at_level(logging.WARNING, logger="intl_pub.publish.verdicts"):
        assert publish_again(blog) == first
    assert "emptied (it only saves time)" in caplog.text
    assert kept.read_bytes().startswith(b"SQLite format 3\x00")  # a database again
    kept.unlink()
    kept.mkdir()  # cannot be opened at all
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="intl_pub.publish.verdicts"):
        assert publish_again(blog) == first
    assert "verdicts cannot be kept" in caplog.text


def test_a_publish_opens_each_languages_verdicts_once_and_closes_them(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the file per page was ~0.25 ms of every page of a first publish; a connection
    kept past the run would write a deleted file's rows where no run reads them."""
    run(blog)
    settings = load_settings(blog)
    posts = len(list((blog / "content").iterdir()))
    assert posts > 1
    opened: list[sqlite3.Connection] = []
    real = verdicts._connect

    def counting(path: Path, locale: str, generation: str) -> sqlite3.Connection:
        opened.append(real(path, locale, generation))
        return opened[-1]

    monkeypatch.setattr(verdicts, "_connect", counting)
    first = publish_again(blog)
    assert len(opened) == len(settings.locales)  # not one per page
    for db in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            db.execute("SELECT 1")  # closed when the run ended
    (blog / ".intl-pub" / "verdicts.sqlite").unlink()
    assert publish_again(blog) == first
    with sqlite3.connect(blog / ".intl-pub" / "verdicts.sqlite") as db:
        assert db.execute("SELECT count(*) FROM verdict").fetchone()[0] > 0  # the new file's
