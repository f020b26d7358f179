"""Build manifests: what each step built last time, so an unchanged run does nothing.

Like Pelican's ``CachingGenerator`` and Sphinx's ``get_outdated_docs``: per
output, the digests of its inputs; an output whose inputs are unchanged is
not read, parsed, rendered or written again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from intl_pub.workdir.state import Row, file_digest_change

Learnt = tuple[dict[str, Row], set[str], dict[str, tuple[Path, str]]]
"""What a manifest learnt of its files: rows hashed, files gone, files a batch will write."""

if TYPE_CHECKING:
    import sqlite3

    from intl_pub.workdir.store import Store

STATE_VERSION = 1


class Manifest:
    """What one step built last time: per output, the digests of its inputs.

    Each step has rows of its own in the state database (``manifest`` and
    ``file_digest``, keyed by the step's name), read a record at a time
    (:class:`~intl_pub.workdir.state.Records`) and written only where they
    changed, in the step's transaction. It also caches file digests by (size,
    mtime_ns, ctime_ns, inode), as git's index does: a file whose signature is
    unchanged is not read again. An editor that saves by renaming changes the
    inode; one that writes in place changes ctime.
    """

    def __init__(self, store: Store, step: str) -> None:
        self.store = store
        self.step = step
        self.records = store.state.records(step)
        self._known: dict[str, Row] | None = None
        self._changed: dict[str, Row] = {}
        self._gone: set[str] = set()
        self._fill: dict[str, tuple[Path, str]] = {}

    @property
    def _hashes(self) -> dict[str, Row]:
        if self._known is None:
            self._known = self.store.state.file_digests(self.step)
        return self._known

    def digest(self, path: Path | str) -> str:
        """The file's sha256 (16 hex digits), or "" when it does not exist.

        ``path``: a Path, or an absolute path's normalized text (``Store.post_file``).
        """
        key = self.store.rel(path)
        pending = self.store.pending_digest(path)
        if pending is not None:
            self._fill[key] = (Path(path), pending)  # its signature once the batch renamed it
            return pending
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self._forget(key)
            return ""
        known = self._hashes.get(key)
        if (
            known is not None
            and known[1] == st.st_size
            and known[2] == st.st_mtime_ns
            and known[3] == st.st_ctime_ns
            and known[4] == st.st_ino
        ):
            return str(known[5])
        digest = bytes_digest(Path(path).read_bytes())
        self._remember(key, (key, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest))
        return digest

    def load(self) -> None:
        """Read the digest cache now: workers forked next ask :meth:`digest` of it, and must
        not query the parent's database."""
        _ = self._hashes

    def mark(self) -> Learnt:
        """What this object has learnt so far (copies): :meth:`found` tells what it learns
        after. A worker forked from the owner marks when it starts."""
        return dict(self._changed), set(self._gone), dict(self._fill)

    def found(self, since: Learnt) -> Learnt:
        """The digest-cache rows learnt since :meth:`mark` (files hashed, files gone, files a
        batch will write): what a worker forked from the owner hands back to :meth:`take_in`.
        Only those: what the copy held before is the owner's already, and handed back it
        could undo what another worker learnt of the same file."""
        rows, gone, fill = since
        return (
            {key: row for key, row in self._changed.items() if rows.get(key) != row},
            self._gone - gone,
            {key: item for key, item in self._fill.items() if fill.get(key) != item},
        )

    def take_in(self, learnt: Learnt) -> None:
        """What a worker's copy of this manifest :meth:`found`, to be saved with the rest."""
        rows, gone, fill = learnt
        for key in gone:
            self._forget(key)
        for key, row in rows.items():
            self._remember(key, row)
        self._fill.update(fill)

    def _remember(self, key: str, row: Row) -> None:
        self._hashes[key] = row
        self._changed[key] = row
        self._gone.discard(key)

    def _forget(self, key: str) -> None:
        """A file gone, or saved by someone else: its row goes, if it had one (and a row
        learnt this run is not written)."""
        if self._hashes.pop(key, None) is not None:
            self._gone.add(key)
        self._changed.pop(key, None)

    def save(self) -> bool:
        """Queue the rows that changed for the step's transaction (an unchanged run writes
        nothing); False when none did.

        Inside a batch they are committed after the batch's files are renamed into
        place, with the final signatures of the files it wrote (so the next run need
        not hash them again).
        """
        if not self._fill and not self._changed and not self._gone:
            change = self.records.change()
            if change is None:
                return False
            self.store.change_state(change)
            return True
        self.store.change_state(self._write)
        return True

    def _write(self, db: sqlite3.Connection) -> None:
        for key, (path, digest) in self._fill.items():
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            if not self.store.still_ours(path, signature):  # someone saved it: hash it next run
                self._forget(key)
                continue
            self._remember(key, (key, *signature, digest))
        self._fill = {}
        for change in (
            self.records.change(),
            file_digest_change(self.step, self._changed, self._gone),
        ):
            if change is not None:
                change(db)
        self._changed, self._gone = {}, set()


def bytes_digest(raw: bytes) -> str:
    """A file's digest as manifests record it (sha256, 16 hex digits)."""
    return hashlib.sha256(raw).hexdigest()[:16]


def text_digest(*parts: str) -> str:
    """A short digest of some text, for manifest keys."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def written_digest(record: object) -> str:
    """The digest of the file a step wrote, from its record ``[inputs, written]`` (the
    extract and translate steps' shape; "" for none): a later step reads that file
    without checking its syntax again."""
    return str(record[1]) if isinstance(record, list) and len(record) > 1 else ""
