"""The build state's database (intl_pub.workdir.state): rows, transactions, the import of the
JSON state an older intl-pub left, and kills in the middle of a transaction.

The import is tested on a work folder written by the last JSON-state version itself (the
commit below, checked out of this repository with ``git archive`` and run as users run it),
not on JSON written by hand.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from helpers import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from intl_pub import pipeline
from intl_pub.core.config import Settings, load_settings
from intl_pub.core.errors import StoreError
from intl_pub.publish import site
from intl_pub.workdir import manifest as manifest_module
from intl_pub.workdir import state as state_module
from intl_pub.workdir.store import Store

ROOT = Path(__file__).resolve().parent.parent
HOOK = Path(__file__).resolve().parent / "crash_hook"
JSON_VERSION = "7d7b2d7"
"""The last commit whose build state was JSON files (main before issue 27)."""
REVIEWED = "✔ REVISADO"
OUTPUTS = ("content/", "translations/", "site/")


# --- helpers ---------------------------------------------------------------------------------


def cli(work: Path, *args: str, old: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``intl-pub ARGS`` in a new process: this version, or the one unpacked at ``old``."""
    paths = [str(old / "src")] if old else [str(HOOK)]
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environ.update(PYTHONPATH=os.pathsep.join(paths), SOURCE_DATE_EPOCH="1795000000", **env)
    return subprocess.run([sys.executable, "-m", "intl_pub.cli", *args, "--workdir", str(work)],
                          env=environ, capture_output=True, text=True, timeout=300)


def translate_and_publish(work: Path, old: Path | None = None) -> str:
    """Both commands; their log (what they wrote)."""
    logs = ""
    for args in (("translate", "--engine", "pseudo"), ("publish",)):
        done = cli(work, *args, old=old)
        assert done.returncode == 0, done.stderr[-3000:]
        logs += done.stderr
    return logs


def outputs(work: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(work).items() if k.startswith(OUTPUTS)}


def times(work: Path) -> dict[str, int]:
    return {str(p.relative_to(work)): p.stat().st_mtime_ns for p in sorted(work.rglob("*"))
            if p.is_file() and str(p.relative_to(work)).startswith(OUTPUTS)}


def rows(work: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the database, by table (read from a copy: a hot journal is rolled back there)."""
    with tempfile.TemporaryDirectory() as spare:
        for path in (work / ".intl-pub").glob("state.sqlite*"):
            shutil.copy(path, spare)
        db = sqlite3.connect(Path(spare) / "state.sqlite")
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            found = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
            found["user_version"] = [db.execute("PRAGMA user_version").fetchone()]
            return found
        finally:
            db.close()


def review(work: Path) -> None:
    """A translator reviews the first two machine translations of a Spanish catalog."""
    path = work / "translations" / "es" / "heat-wave-advice.po"
    po = polib.pofile(path.read_text("utf-8"), wrapwidth=79)
    for entry in [e for e in po if e.msgstr and e.fuzzy][:2]:
        entry.msgstr = f"{REVIEWED} {entry.msgstr}"
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    path.write_text(str(po), "utf-8")


def edit_english(work: Path) -> None:
    post = work / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    text = post.read_text("utf-8")
    post.write_text(text.replace("Move the person to a cool place",
                                 "Move the person to a shaded, cool place"), "utf-8")


def sample(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "examples", folder / "examples")
    shutil.copy(ROOT / "intl-pub.toml", folder / "intl-pub.toml")
    return folder


@pytest.fixture(scope="module")
def json_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The sample blog translated, reviewed and published by the JSON-state version; and
    that version's source."""
    base = tmp_path_factory.mktemp("json-state")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", JSON_VERSION,
                              "src"], capture_output=True)
    if archive.returncode != 0:
        pytest.skip(f"commit {JSON_VERSION} is not in this checkout: {archive.stderr[-200:]!r}")
    old = base / "old"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(old, filter="data")
    # the interface's shipped words and stylesheet as this version has them: what is tested
    # is the import of the state, not a site whose own words changed since
    shutil.copytree(ROOT / "src" / "intl_pub" / "ui", old / "src" / "intl_pub" / "ui",
                    dirs_exist_ok=True)
    shutil.copy(ROOT / "src" / "intl_pub" / "templates" / "site.css",
                old / "src" / "intl_pub" / "templates" / "site.css")
    work = sample(base / "work")
    translate_and_publish(work, old)
    review(work)
    translate_and_publish(work, old)  # the review reaches the memory and the page
    state = work / ".intl-pub"
    assert (state / "posts.json").exists() and (state / "manifest" / "publish.json").exists()
    assert (state / "tm" / "es.json").exists() and not (state / "state.sqlite").exists()
    yield work, old


def copy(folder: Path, into: Path) -> Path:
    shutil.copytree(folder, into, symlinks=True)
    return into


# --- the import of the JSON state ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_json_state_folder_is_imported_once_and_its_unchanged_run_rewrites_nothing(
    json_folder: tuple[Path, Path], tmp_path: Path
) -> None:
    work = copy(json_folder[0], tmp_path / "work")
    old_state = {p.name: p.read_bytes() for p in (work / ".intl-pub").rglob("*.json")}
    slugs = json.loads((work / ".intl-pub" / "posts.json").read_text("utf-8"))["posts"]
    before, stamps = outputs(work), times(work)
    logs = translate_and_publish(work)
    assert "wrote" not in logs, logs  # nothing merged, rendered or written again
    assert outputs(work) == before and times(work) == stamps
    state = work / ".intl-pub"
    assert sorted(p.name for p in state.rglob("*.json")) == []
    assert {p.name[: -len(".migrated")]: p.read_bytes() for p in state.rglob("*.migrated")} == (
        old_state
    )
    store = Store(work)
    assert store.identities().slugs == slugs  # every post keeps its slug
    assert any(REVIEWED in text for text in store.reviewed(load_settings(work).locales[0],
                                                             "heat-wave-advice").values())
    page = (work / "site" / "es" / "heat-wave-advice" / "index.html").read_text("utf-8")
    assert REVIEWED in page
    imported = rows(work)
    assert "wrote" not in translate_and_publish(work)  # the second run imports nothing again
    assert rows(work) == imported and times(work) == stamps


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_kill_during_the_import_leaves_the_json_and_the_next_run_imports_it(
    json_folder: tuple[Path, Path], tmp_path: Path
) -> None:
    work = copy(json_folder[0], tmp_path / "work")
    old_state = {str(p): p.read_bytes() for p in (work / ".intl-pub").rglob("*.json")}
    before = outputs(work)
    done = cli(work, "translate", "--engine", "pseudo",
               INTL_PUB_CRASH_SQL="INSERT INTO manifest", INTL_PUB_CRASH_SQL_AT="20")
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert {str(p): p.read_bytes() for p in (work / ".intl-pub").rglob("*.json")} == old_state
    assert rows(work) == {"user_version": [(0,)]}  # no schema, no row: the import rolled back
    assert "wrote" not in translate_and_publish(work)
    assert outputs(work) == before
    assert not list((work / ".intl-pub").rglob("*.json"))


# --- kills in a step's transaction -----------------------------------------------------------


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A published sample blog, reviewed and then edited in English; and the same after an
    uninterrupted translate and publish (what every restart must reach)."""
    base = tmp_path_factory.mktemp("edited")
    start = sample(base / "start")
    translate_and_publish(start)
    review(start)
    edit_english(start)
    end = copy(start, base / "end")
    translate_and_publish(end)
    return start, end


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("command", "statement", "nth"),
    [
        ("translate", "COMMIT", "1"),  # pull's files are in place, its state not yet
        ("translate", "INSERT OR REPLACE INTO manifest", "3"),  # in the middle of a step's rows
        ("publish", "COMMIT", "1"),  # every page renamed into place, the manifest not saved
        ("publish", "INSERT OR REPLACE INTO file_digest", "5"),
    ],
)
def test_a_kill_in_a_state_transaction_keeps_the_old_state_and_the_next_run_finishes(
    edited: tuple[Path, Path], tmp_path: Path, command: str, statement: str, nth: str
) -> None:
    start, end = edited
    work = copy(start, tmp_path / "work")
    if command == "publish":
        assert cli(work, "translate", "--engine", "pseudo").returncode == 0
    state = rows(work)
    args = ("translate", "--engine", "pseudo") if command == "translate" else ("publish",)
    done = cli(work, *args, INTL_PUB_CRASH_SQL=statement, INTL_PUB_CRASH_SQL_AT=nth)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    if statement == "COMMIT" or command == "publish":  # the first transaction of the run
        assert rows(work) == state
    translate_and_publish(work)
    assert outputs(work) == outputs(end)


# --- rows and transactions, in this process --------------------------------------------------


def test_a_steps_rows_are_committed_after_its_files_in_one_transaction(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.batch():
        manifest = store.manifest("extract")
        manifest.records["a"] = [1, 2]
        manifest.records["b"] = [3]
        manifest.save()
        store.write(tmp_path / "content" / "a.html", b"<p>a</p>")
        assert rows(tmp_path).get("manifest", []) == []  # not before the batch's files
        assert not (tmp_path / "content" / "a.html").exists()
    assert rows(tmp_path)["manifest"] == [("extract", "a", "[1,2]"), ("extract", "b", "[3]")]
    again = Store(tmp_path).manifest("extract")
    assert dict(again.records) == {"a": [1, 2], "b": [3]}


def test_a_steps_rows_are_read_by_key_or_in_one_query_and_only_those_changed_are_written(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    manifest = store.manifest("publish")
    for slug in ("one", "two", "three"):
        manifest.records[slug] = {"inputs": slug}
    manifest.save()
    statements: list[str] = []
    store = Store(tmp_path)
    store.state.db().set_trace_callback(statements.append)
    manifest = store.manifest("publish")
    assert manifest.records.get("two") == {"inputs": "two"} and "four" not in manifest.records
    manifest.records["two"] = {"inputs": "2"}
    del manifest.records["three"]
    assert manifest.save() and sorted(manifest.records) == ["one", "two"]
    reads = [s for s in statements if s.startswith("SELECT")]
    writes = [s for s in statements if s.startswith(("INSERT", "DELETE"))]
    assert reads == [  # the record asked for by key alone, then every row in one query
        "SELECT record FROM manifest WHERE step = 'publish' AND key = 'two'",
        "SELECT key, record FROM manifest WHERE step = 'publish'",
    ]
    assert len(writes) == 2 and "'two'" in writes[0] + writes[1] and "'three'" in "".join(writes)
    statements.clear()
    assert not Store(tmp_path).manifest("publish").save()  # an unchanged step writes nothing


def test_the_records_whose_text_holds_a_word_are_found_without_parsing_the_others(
    tmp_path: Path,
) -> None:
    manifest = Store(tmp_path).manifest("publish")
    manifest.records["old"] = {"pages": {"en": {"body": "<p>x</p>"}}}
    manifest.records["plain"] = {"pages": {"en": {"title": 'A "body": in quotes'}}}
    manifest.save()
    records = Store(tmp_path).manifest("publish").records
    records["new"] = {"pages": {"es": {"title": "Título", "body": "<p>y</p>"}}}
    records["bare"] = {"pages": {"es": {"title": "Título"}}}  # assigned, without one
    assert sorted(records.keys_with_text('"body":')) == ["new", "old"]
    del records["old"]
    assert records.keys_with_text('"body":') == ["new"]
    records["new"] = {"pages": {"es": {"title": "Título"}}}  # its body dropped
    assert records.keys_with_text('"body":') == []


def test_a_record_is_kept_as_assigned_and_saved_so(tmp_path: Path) -> None:
    """A first publish assigns 100,000 records before its one transaction: each is kept as
    the text it will be saved as, so a value changed in place afterwards is not saved (as
    the class says) and what is read back is what was assigned."""
    manifest = Store(tmp_path).manifest("publish")
    record = {"pages": {"ru": {"title": "Заголовок", "stats": [1, 2]}}}
    manifest.records["post"] = record
    record["pages"]["ru"]["title"] = "changed in place"
    assert manifest.records["post"] == {"pages": {"ru": {"title": "Заголовок", "stats": [1, 2]}}}
    assert manifest.records.holds("post", {"pages": {"ru": {"stats": [1, 2], "title": "Заголовок"}}})
    manifest.save()
    assert Store(tmp_path).manifest("publish").records["post"]["pages"]["ru"]["title"] == "Заголовок"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(max_size=8) | st.sampled_from(["", "0a1b", "١٢", "ab\"c", "é1", "Ⅻ"]),
             max_size=4),
    st.lists(st.text(max_size=8) | st.sampled_from(["0a1b", "١٢"]), max_size=4),
)
def test_whether_a_record_holds_a_list_is_answered_as_its_parsed_value_would(
    saved: list[str], asked: list[str]
) -> None:
    """An unchanged run asks ``holds`` of every post's list of digests, which is written
    without the JSON encoder: any list of strings (quotes, non-ASCII digits, empty) is
    still compared as the value read back."""
    assert state_module.dumps(saved) == json.dumps(
        saved, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )  # (what older versions wrote, and every other record, compare equal)
    with tempfile.TemporaryDirectory() as folder:
        manifest = Store(Path(folder)).manifest("translate-es")
        manifest.records["post"] = saved
        manifest.save()
        records = Store(Path(folder)).manifest("translate-es").records
        assert records.holds("post", asked) == (asked == saved)
        assert records.holds("post", saved)
        del records["post"]
        assert not records.holds("post", saved)


def test_an_error_inside_a_transaction_rolls_all_of_it_back(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = store.manifest("extract")
    manifest.records["kept"] = 1
    assert manifest.save()
    with pytest.raises(RuntimeError):
        with store.state.transaction() as db:
            db.execute("INSERT INTO manifest VALUES ('extract', 'lost', '2')")
            raise RuntimeError("killed")
    assert dict(Store(tmp_path).manifest("extract").records) == {"kept": 1}


def test_a_state_written_by_a_newer_version_is_refused_with_a_clear_line(tmp_path: Path) -> None:
    (tmp_path / ".intl-pub").mkdir()
    db = sqlite3.connect(tmp_path / ".intl-pub" / "state.sqlite")
    db.execute(f"PRAGMA user_version = {state_module.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer intl-pub"):
        Store(tmp_path).identities()


def _posts(root: Path, count: int) -> tuple[Path, Settings]:
    """A work folder of ``count`` two-paragraph posts (pseudo engine): its posts folder."""
    posts = root / "posts"
    posts.mkdir()
    for i in range(count):
        (posts / f"post-{i}.html").write_text(
            f"<html><head><title>Post {i}</title></head><body><article><h1>Post {i}</h1>"
            f"<p>Paragraph one of post {i}.</p><p>Paragraph two.</p></article></body></html>",
            "utf-8")
    (root / "intl-pub.toml").write_text('[pipeline]\nsources = ["posts"]\n', "utf-8")
    return posts, replace(load_settings(root), engine="pseudo")


def test_one_changed_post_writes_only_its_own_rows(tmp_path: Path) -> None:
    posts, settings = _posts(tmp_path, 6)
    assert pipeline.run(settings).ok
    before = rows(tmp_path)
    page = posts / "post-3.html"
    page.write_text(page.read_text("utf-8").replace("Paragraph two.", "Paragraph 2."), "utf-8")
    assert pipeline.run(settings).ok
    after = rows(tmp_path)
    changed = {t: sorted(set(after[t]) ^ set(before[t])) for t in after}
    assert {r[1] for r in changed["manifest"]} == {"post-3"}
    assert {r[1] for r in changed["file_digest"]} <= {
        "content/post-3.html", "translations/templates/post-3.pot",
        *(f"translations/{lang}/post-3.po" for lang in ("es", "zh_Hans", "ru")),
        *(f"translations/{lang}/.mt/post-3.json" for lang in ("es", "zh_Hans", "ru")),
    }
    assert [r[0] for r in changed["source_file"]] == [str(page), str(page)]
    assert changed["post"] == changed["link"] == changed["tm"] == []


def test_one_changed_post_is_published_without_reading_every_post_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own ``publish`` and ``translate-*`` records are read by key: the others are
    listing data (170 MB at 100,000 posts) that a change of its text does not need."""
    posts, settings = _posts(tmp_path, 4)
    monkeypatch.setattr(site, "FEED_ENTRIES", 1)  # post-3's pages: post-1 is in no feed
    assert pipeline.run(settings).ok
    page = posts / "post-1.html"
    page.write_text(page.read_text("utf-8").replace("Paragraph two.", "Paragraph 2."), "utf-8")
    assert pipeline.run(settings, publish=False).ok
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = connect(*args, **kwargs)  # type: ignore[arg-type]
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(state_module.sqlite3, "connect", traced)
    report = pipeline.run(settings, pull=False, translate=False)
    assert report.written and all("post-1" in w for w in report.written), report.written
    whole = [s for s in statements if s.startswith("SELECT key, record FROM manifest")]
    assert whole == ["SELECT key, record FROM manifest WHERE step = 'publish-check'"]
    by_key = [s for s in statements if s.startswith("SELECT record FROM manifest")]
    site_rows = ("step = 'interface'", "step = 'publish-site'")  # a row for the whole site
    assert all("'post-1'" in s or s.split(" AND ")[0].endswith(site_rows) for s in by_key)
    assert any("step = 'publish' AND key = 'post-1'" in s for s in by_key), by_key


def test_a_post_files_text_is_its_paths_text(tmp_path: Path) -> None:
    """The per-post checks stat text paths: they must name the files the steps write."""
    from intl_pub.core.locales import locale

    store, zh = Store(tmp_path), locale("zh-Hans")
    for slug in ("clinic-news", "post.v2", "x"):
        assert store.post_file("content", slug) == os.fspath(store.content_path(slug))
        assert store.post_file("template", slug) == os.fspath(store.template_path(slug))
        assert store.post_file("catalog", slug, zh) == os.fspath(store.catalog_path(zh, slug))
        assert store.post_file("suggestions", slug, zh) == os.fspath(
            store.suggestions_path(zh, slug))


def test_what_workers_learnt_of_the_files_is_taken_in_whatever_its_order(tmp_path: Path) -> None:
    """Each worker forked for an unchanged run's check hands back what it learnt after it
    started (``mark``/``found``), never the copy of the parent's state it started from: a
    file seen gone before the fork and back in one worker stays cached, however the
    parts are taken in."""
    (tmp_path / "content").mkdir()
    back, other = tmp_path / "content" / "back.html", tmp_path / "content" / "other.html"
    back.write_text("back", "utf-8")
    other.write_text("other", "utf-8")
    manifest = Store(tmp_path).manifest("extract")
    manifest.digest(back), manifest.digest(other)
    manifest.save()
    back.unlink()
    for order in (1, -1):
        parent = Store(tmp_path).manifest("extract")
        parent.load()
        assert parent.digest(back) == ""  # gone, before the fork
        back.write_text("back again", "utf-8")
        learnt = []
        for path in (back, other):  # two workers, each a copy of the parent at the fork
            worker = Store(tmp_path).manifest("extract")
            worker._known, worker._gone = dict(parent._hashes), set(parent._gone)
            start = worker.mark()
            worker.digest(path)
            learnt.append(worker.found(start))
        for found in learnt[::order]:
            parent.take_in(found)
        assert parent.save()
        rows = dict(Store(tmp_path).state.file_digests("extract"))
        assert rows["content/back.html"][5] == manifest_module.bytes_digest(b"back again")
        assert "content/other.html" in rows
        back.unlink()
