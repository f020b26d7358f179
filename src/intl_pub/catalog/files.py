"""A work folder's catalogs and templates: read, parsed and written through the store.

Every step reads and writes catalogs here, never with ``path.read_bytes()`` of
its own: the store owns the files (symlinks out of the work folder refused,
atomic batched writes), this module owns what a catalog's bytes mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from intl_pub.catalog.entry import Catalog
from intl_pub.catalog.pofile import parse, serialize
from intl_pub.core.errors import CatalogError, StoreError
from intl_pub.workdir.store import Store, bytes_digest

if TYPE_CHECKING:
    from intl_pub.workdir.manifest import Manifest


def read(store: Store, path: Path, written: str = "") -> Catalog | None:
    """A catalog through the store, or None when the file does not exist.

    ``written`` is the digest a step recorded when it wrote the file: bytes
    that still have it are this program's own GNU-valid output, read without
    the syntax check (a second full pass over a 100,000-entry catalog).
    Anything else -- a translator's save above all -- is checked.
    """
    raw = read_bytes(store, path)
    if raw is None:
        return None
    return parse(raw, str(path), lint=needs_lint(raw, written))


class Templates:
    """Templates parsed once for every locale of a run, while their bytes stay the same.

    Every locale's translate step merges the same template and merging never
    changes it; a 100,000-entry template takes seconds to parse. The caller
    owns one of these for the run (:func:`intl_pub.pipeline.plan.run`) and
    passes it to each translate step; it keeps the last ``size`` templates.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._parsed: dict[tuple[str, str], Catalog] = {}
        self._digests: dict[str, str] = {}

    def digest(self, manifest: Manifest, path: str) -> str:
        """The template's digest as the first locale of the run found it: every locale
        asks of every template, and the translate steps never write one (an unchanged run
        of 100,000 posts in three languages stats 200,000 files fewer). The other locales'
        manifests keep their older signatures of it: a run in worker processes (one copy
        of this each) hashes a template again once when it changed."""
        found = self._digests.get(path)
        if found is None:
            found = self._digests[path] = manifest.digest(path)
        return found

    def digests(self) -> dict[str, str]:
        """The templates' digests found so far (what a forked worker hands back)."""
        return dict(self._digests)

    def take_in(self, digests: dict[str, str]) -> None:
        """Digests a worker forked from this process found (:meth:`digests`)."""
        self._digests.update(digests)

    def read(self, store: Store, path: Path, written: str = "") -> Catalog | None:
        """The template at ``path`` (None when missing); ``written`` as for :func:`read`."""
        raw = read_bytes(store, path)
        if raw is None:
            return None
        key = (str(path), bytes_digest(raw))
        found = self._parsed.get(key)
        if found is None:
            found = parse(raw, str(path), lint=needs_lint(raw, written))
            self._parsed[key] = found
            while len(self._parsed) > self.size:
                del self._parsed[next(iter(self._parsed))]
        return found


def read_bytes(store: Store, path: Path) -> bytes | None:
    """A catalog's bytes, None when the file does not exist, CatalogError when unreadable."""
    try:
        return store.read(path)
    except StoreError as exc:
        raise CatalogError(str(exc)) from exc


def needs_lint(raw: bytes, written: str) -> bool:
    """False for bytes whose digest is the one recorded when this program wrote them."""
    return not (written and bytes_digest(raw) == written)


def write(store: Store, cat: Catalog, path: Path, expect: str | None = None) -> bool:
    """Write a catalog or template through the store when its content changed.

    A file whose entries are unchanged is left byte for byte as it is, whatever
    wrapping the translator's editor used (see :func:`~intl_pub.catalog.pofile.serialize`).
    ``expect``: the file's digest when the caller read it; a file saved since (a
    translator's save) is not replaced (see :meth:`Store.write_new`).
    """
    return written(store, cat, path, expect) is not None


def written(store: Store, cat: Catalog, path: Path, expect: str | None = None) -> str | None:
    """:func:`write`, returning the digest of the bytes written (None: left as it is). A
    step records that digest, never the file's digest taken afterwards: a translator's
    save landing in between must not pass for this program's output."""
    try:
        raw = store.read(path)
        old = raw.decode("utf-8") if raw is not None else None
    except (StoreError, UnicodeDecodeError):
        old = None
    text = serialize(cat, old, path.suffix == ".pot")
    if text is None:
        return None
    data = text.encode("utf-8")
    store.write_new(path, data, expect)
    return bytes_digest(data)
