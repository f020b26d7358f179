"""The JSON state of intl-pub before the database, imported once.

Until the state moved into ``.intl-pub/state.sqlite``, a run rewrote whole JSON files:
``posts.json``, ``sources.json``, ``manifest/<step>.json``, ``site-state.json`` and
``tm/<locale>.json``. :func:`import_json` reads them into the new rows inside the
transaction that creates the schema (:func:`intl_pub.workdir.state._open`), so a crash
leaves the database without a schema and the JSON as it was: the next run imports again.
After the commit :func:`finish` renames each file to ``<name>.migrated`` (kept for a look;
nothing reads it), so no later run imports it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from intl_pub.core.files import json_text as _dumps
from intl_pub.core.files import read_json
from intl_pub.workdir.identity import migrate as migrate_identities

JSON_VERSION = 1
"""The ``version`` the JSON state files carried."""
MIGRATED = ".migrated"


def json_files(folder: Path) -> Iterator[Path]:
    """The JSON state files of an older intl-pub in ``.intl-pub/``."""
    for name in ("posts.json", "sources.json", "site-state.json"):
        if (folder / name).is_file():
            yield folder / name
    for sub in ("manifest", "tm"):
        if (folder / sub).is_dir():
            yield from sorted((folder / sub).glob("*.json"))


def import_json(db: sqlite3.Connection, folder: Path, root: Path) -> None:
    """Every JSON state file's content as rows (the caller's transaction commits them)."""
    posts = read_json(folder / "posts.json")
    slugs, links = posts.get("posts", {}), posts.get("links", {})
    if isinstance(slugs, dict):
        _pairs(db, "post", migrate_identities({str(k): str(v) for k, v in slugs.items()}))
    if isinstance(links, dict):
        _pairs(db, "link", {str(k): str(v) for k, v in links.items()})
    legacy = root / "content" / ".sources.json"  # where intl-pub 0.1 kept it
    sources = read_json(folder / "sources.json") or read_json(legacy)
    files = sources.pop("files", {})
    _pairs(db, "source", {k: _dumps(v) for k, v in sources.items()})
    if isinstance(files, dict):
        _pairs(db, "source_file", {k: _dumps(v) for k, v in files.items()})
    legacy = root / "site" / ".intl-pub-state.json"  # intl-pub 0.1 deployed it
    pages = read_json(folder / "site-state.json") or read_json(legacy)
    _pairs(db, "page_state", {k: _dumps(v) for k, v in pages.items()})
    for path in sorted((folder / "manifest").glob("*.json")):
        _import_manifest(db, path.stem, read_json(path))
    for path in sorted((folder / "tm").glob("*.json")):
        by_post = read_json(path)
        db.executemany(
            "INSERT OR REPLACE INTO tm (locale, key, slug, text) VALUES (?, ?, ?, ?)",
            [
                (path.stem, key, slug, text)
                for slug, texts in by_post.items()
                if isinstance(texts, dict)
                for key, text in texts.items()
            ],
        )


def _pairs(db: sqlite3.Connection, table: str, rows: dict[str, str]) -> None:
    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", list(rows.items()))


def _import_manifest(db: sqlite3.Connection, step: str, data: dict[str, Any]) -> None:
    """One step's manifest. The publish step's post records become a row per post (its
    ``posts`` object), and the site's key a row of ``publish-site``."""
    if data.get("version") != JSON_VERSION:
        return  # an older manifest was ignored anyway: the step does its work again
    records = data.get("records", {})
    if step == "publish":
        site = records.get("site")
        records = records.get("posts", {})
        if site is not None:
            row = ("publish-site", "site", _dumps(site))
            db.execute("INSERT INTO manifest VALUES (?, ?, ?)", row)
    db.executemany("INSERT INTO manifest VALUES (?, ?, ?)",
                   [(step, k, _dumps(v)) for k, v in records.items()])
    db.executemany(
        "INSERT INTO file_digest VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(step, k, *v[:5]) for k, v in data.get("hashes", {}).items() if len(v) == 5],
    )


def finish(folder: Path) -> None:
    """Rename the imported JSON files out of the way (after the import committed)."""
    for path in list(json_files(folder)):
        try:
            path.rename(path.with_name(path.name + MIGRATED))
        except FileNotFoundError:
            pass  # another process of the run renamed it first
