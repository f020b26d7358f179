"""The sentence-level machine-translation memory: one SQLite file, written in transactions.

A sentence is translated once per engine, model version, target language and
exact source text (inline tokens included): a one-word edit re-translates one
sentence, not its paragraph, and a disclaimer that ends every post is
translated once. The key names the model version (the engine's label), so a
new model misses every entry of the old one.

The file's place belongs to the work-folder store, which passes it in; the
memory computes no path. SQLite (stdlib) keeps it to one file that is never
half-written: each ``put_many`` is one transaction, so a process killed in the
middle leaves the entries of the transactions before it and nothing of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from intl_pub.core.errors import EngineError
from intl_pub.mt import SentenceTranslation

SCHEMA = 1
"""Stored in PRAGMA user_version; a file of another schema is an error, not a guess."""
BATCH = 500
"""Keys per SELECT (SQLite limits the number of parameters of one statement)."""


@dataclass(frozen=True)
class MemoryKey:
    """What a stored translation is a translation of."""

    engine: str
    """Engine name (``argos``)."""
    model: str
    """The engine's label for the locale: model and version (``argos translate-en_es 1.9``)."""
    language: str
    """Target language tag (``zh-Hans``)."""
    source: str
    """The source sentence exactly as sent to the engine, inline tokens included."""

    @property
    def digest(self) -> bytes:
        """The row's primary key: a hash of all four fields."""
        fields = (self.engine, self.model, self.language, self.source)
        return hashlib.sha256("\0".join(fields).encode()).digest()


class SentenceMemory:
    """Sentence translations kept across runs; ``path=None`` keeps them in this process only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.hits = 0
        """Keys found by get_many, over this object's life."""
        self.misses = 0
        """Keys get_many did not find."""
        self.writes = 0
        """Entries put_many stored."""
        self._lock = threading.Lock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            # The default rollback journal keeps the memory one file at rest (WAL would add two).
            self._db = sqlite3.connect(
                ":memory:" if path is None else str(path), timeout=30, check_same_thread=False
            )
            self._setup()
        except sqlite3.Error as exc:
            raise EngineError(
                f"{path}: cannot open the machine-translation memory ({exc}); "
                "delete the file to start an empty one"
            ) from exc

    def _setup(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA):
            raise sqlite3.DatabaseError(f"schema {version}, this intl-pub reads {SCHEMA}")
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sentence ("
                " key BLOB PRIMARY KEY, engine TEXT NOT NULL, model TEXT NOT NULL,"
                " language TEXT NOT NULL, source TEXT NOT NULL, tokens TEXT NOT NULL,"
                " log_prob REAL, length INTEGER NOT NULL) WITHOUT ROWID"
            )
            self._db.execute(f"PRAGMA user_version = {SCHEMA}")

    def get_many(self, keys: Sequence[MemoryKey]) -> dict[MemoryKey, SentenceTranslation]:
        """The stored translations of those keys that have one."""
        wanted = {key.digest: key for key in keys}
        found: dict[MemoryKey, SentenceTranslation] = {}
        digests = list(wanted)
        with self._lock, self._errors():
            for start in range(0, len(digests), BATCH):
                batch = digests[start : start + BATCH]
                rows = self._db.execute(
                    "SELECT key, tokens, log_prob, length FROM sentence WHERE key IN "
                    f"({','.join('?' * len(batch))})",
                    batch,
                )
                for digest, tokens, log_prob, length in rows:
                    found[wanted[digest]] = SentenceTranslation(
                        tuple(json.loads(tokens)), log_prob, length
                    )
            self.hits += len(found)
            self.misses += len(wanted) - len(found)
        return found

    def put_many(self, items: Iterable[tuple[MemoryKey, SentenceTranslation]]) -> None:
        """Store translations, all in one transaction (an existing key is replaced)."""
        rows = (
            (
                key.digest,
                key.engine,
                key.model,
                key.language,
                key.source,
                json.dumps(list(value.tokens), ensure_ascii=False),
                value.log_prob,
                value.length,
            )
            for key, value in items
        )
        with self._lock, self._errors(), self._db:
            cursor = self._db.executemany(
                "INSERT OR REPLACE INTO sentence VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            self.writes += max(cursor.rowcount, 0)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """A full disk or a file locked too long is the user's to fix: say which file."""
        try:
            yield
        except sqlite3.Error as exc:
            full = "full" in str(exc)  # SQLITE_FULL: "database or disk is full"
            advice = "; free disk space and run again (the memory is as it was)" if full else ""
            raise EngineError(
                f"{self.path or 'memory'}: machine-translation memory: {exc}{advice}"
            ) from exc

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM sentence").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SentenceMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
