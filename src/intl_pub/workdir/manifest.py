"""Build manifests: what each step built last time, so an unchanged run does nothing.

Like Pelican's ``CachingGenerator`` and Sphinx's ``get_outdated_docs``: per
output, the digests of its inputs; an output whose inputs are unchanged is
not read, parsed, rendered or written again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intl_pub.workdir.store import Store

STATE_VERSION = 1


class Manifest:
    """What one step built last time: per output, the digests of its inputs.

    Each step has a file of its own (``.intl-pub/manifest/<step>.json``), so
    steps that run in parallel (one per locale) never write the same file. It
    also caches file digests by (size, mtime_ns, ctime_ns, inode), as git's
    index does: a file whose signature is unchanged is not read again. An
    editor that saves by renaming changes the inode; one that writes in place
    changes ctime.
    """

    def __init__(self, store: Store, step: str) -> None:
        self.store = store
        self.path = store.state_dir / "manifest" / f"{step}.json"
        try:
            self._text = self.path.read_text(encoding="utf-8")
            data = json.loads(self._text)
        except (OSError, ValueError):
            self._text, data = "", {}
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            data = {}
        self.records: dict[str, Any] = data.get("records", {})
        self._hashes: dict[str, list[Any]] = data.get("hashes", {})
        self._fill: dict[str, tuple[Path, str]] = {}

    def digest(self, path: Path) -> str:
        """The file's sha256 (16 hex digits), or "" when it does not exist."""
        key = self.store.rel(path)
        pending = self.store.pending_digest(path)
        if pending is not None:
            self._fill[key] = (path, pending)  # its signature once the batch renamed it
            return pending
        try:
            st = path.stat()
        except FileNotFoundError:
            self._hashes.pop(key, None)
            return ""
        signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self._hashes.get(key)
        if known is not None and known[:4] == signature:
            return str(known[4])
        digest = bytes_digest(path.read_bytes())
        self._hashes[key] = [*signature, digest]
        return digest

    def save(self) -> bool:
        """Write the manifest when it changed (an unchanged run writes nothing).

        Inside a batch it is written after the batch, with the final signatures
        of the files the batch wrote (so the next run need not hash them again).
        """
        if self.store.after_batch(self._save_now):
            return True
        return self._save_now()

    def _save_now(self) -> bool:
        for key, (path, digest) in self._fill.items():
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            if not self.store.still_ours(path, signature):  # someone saved it: hash it next run
                self._hashes.pop(key, None)
                continue
            self._hashes[key] = [*signature, digest]
        self._fill = {}
        data = {"version": STATE_VERSION, "records": self.records, "hashes": self._hashes}
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
        if text == self._text:
            return False
        self._text = text
        self.store.write_new(self.path, text.encode("utf-8"))
        return True


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
