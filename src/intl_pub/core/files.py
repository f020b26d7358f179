"""Writing files so that a crash never leaves one half-written; reproducible times.

A base module like model and errors: sources (content/), catalog
(translations/) and publish (site/) all write through :func:`write_atomic`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write through a temporary file in the same folder, fsync, rename: old or new, never half.

    ``data``: the bytes, or pieces of them written one after the other (a file too big to
    hold whole, such as the journal's record of 400,000 renames)."""
    tmp = write_temporary(path, data, sync=True)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_temporary(path: Path, data: bytes | Iterable[bytes], sync: bool) -> Path:
    """The bytes (or their pieces, see :func:`write_atomic`) in a hidden temporary file
    beside ``path`` (renamed over it by the caller)."""
    try:  # (the folder is there for all but a post's first page: no mkdir, no exception)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so a re-run leaves files (and mtimes) alone."""
    if path.exists() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


READ_ONLY_WAIT = 1.0
"""Seconds a report waits for a database a run is committing to before it does without."""


def open_read_only(path: Path, version: int) -> sqlite3.Connection | None:
    """A database opened so that nothing can be written to it, not even a recovery: for the
    reports that promise to change no file (``status``, ``queue``). None when it is missing,
    of another schema ``version``, damaged, busy past :data:`READ_ONLY_WAIT` or waiting for a
    run to recover it: what it holds only saves the caller time."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                             timeout=READ_ONLY_WAIT)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == version:
            return db
    except sqlite3.Error:
        pass
    db.close()
    return None


def read_json(path: Path) -> dict:
    """A small JSON state file as a dict; empty when missing or unreadable (it is rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def json_text(value: object) -> str:
    """Compact JSON with sorted keys, so equal values are equal text (a state row).

    A list of digests (ASCII letters and digits, or empty), the record an unchanged run
    compares for every post in every language, is written directly: the encoder takes 2.5
    times as long.
    """
    if type(value) is list and value:
        for item in value:
            if type(item) is not str or not (item.isascii() and (item.isalnum() or not item)):
                break
        else:
            return '["' + '","'.join(value) + '"]'
    return _JSON_TEXT.encode(value)


_JSON_TEXT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""One encoder: ``json.dumps`` with options builds a new one per call, 3 µs a row."""


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds and golden tests)."""
    from intl_pub.core.config import environment  # (config reads the environment)

    epoch = environment().source_date_epoch
    return datetime.fromtimestamp(int(epoch) if epoch else time.time(), UTC)
