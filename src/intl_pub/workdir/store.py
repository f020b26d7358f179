"""The work folder: the one owner of every path and every read and write in it.

Like mkdocs' ``Files``: no other module spells a path. The layout::

    content/<slug>.html                 the English originals (what catalogs are built from)
    translations/templates/<slug>.pot   every translatable unit of a post
    translations/<gettext>/<slug>.po    its translations, where translators work
    translations/<gettext>/.mt/<slug>.json  its machine translations by engine and English
                                        (suggestions for stale entries; never a msgstr of its own)
    translations/glossary.toml          terms kept as written, required translations
    templates/                          the user's page templates (override the shipped ones)
    site/                               what is deployed -- and nothing else
    .intl-pub/                          the build state, never deployed:
        state.sqlite                    one database (intl_pub.workdir.state): build manifests,
                                        post identity -> slug, sources' validators, page state,
                                        the translation memory; a step's rows in one transaction
        mt-memory/                      the engines' sentence memories (sqlite)
        journal/                        the renames of a step being committed

File hashes are cached by (size, mtime, inode) the way git's index does, so an
unchanged run hashes nothing it has hashed before.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from intl_pub.core.errors import LockError, StoreError
from intl_pub.core.files import write_atomic, write_temporary
from intl_pub.core.model import Locale
from intl_pub.workdir import journal
from intl_pub.workdir.identities import RESERVED_SLUGS, Identities
from intl_pub.workdir.manifest import Manifest, bytes_digest, written_digest
from intl_pub.workdir.state import Change, State, read_records

log = logging.getLogger(__name__)

UI_CATALOG = "site"
"""translations/<locale>/site.po: the site's own words."""
TEMPLATES = "templates"
STATE_DIR = ".intl-pub"
LOCK_FILE = ".intl-pub.lock"
JOURNAL_DIR = "journal"
""".intl-pub/journal/: the renames of a step being committed (see intl_pub.workdir.journal)."""


def translate_step(locale: Locale) -> str:
    """The name of the step that writes a language's catalogs (its manifest's rows)."""
    return f"translate-{locale.path}"


class Store:
    """One work folder. Cheap to create; holds the file-hash cache of one run."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self._root_text = os.fspath(self.root) + os.sep
        self.content_dir = self.root / "content"
        self.translations_dir = self.root / "translations"
        self.site_dir = self.root / "site"
        self.state_dir = self.root / STATE_DIR
        self.user_templates = self.root / TEMPLATES
        self._templates_dir = self.translations_dir / "templates"
        self._locale_dirs: dict[str, Path] = {}
        self._folder_texts: dict[tuple[str, str], tuple[str, str]] = {}
        """(kind, locale) -> the folder of such files, as text, and their suffix."""
        self._batch: dict[str, str] | None = None  # target -> temporary (texts: 400,000 of them)
        self._pending_digests: dict[str, str] = {}
        self._expected: dict[str, str] = {}
        self._committed: dict[str, list[int] | None] = {}
        self._after_commit: list[Callable[[], None]] = []
        self._state_changes: list[Change] = []
        self.state = State(self.state_dir, self.root)
        """The build state's database (opened when first used)."""

    # --- paths ------------------------------------------------------------------------

    def content_path(self, slug: str) -> Path:
        return self.content_dir / f"{slug}.html"

    def template_path(self, slug: str) -> Path:
        return self._templates_dir / f"{slug}.pot"

    def catalog_path(self, locale: Locale, slug: str) -> Path:
        return self._locale_dir(locale.gettext) / f"{slug}.po"

    def post_file(self, kind: str, slug: str, locale: Locale | None = None) -> str:
        """``content_path``, ``template_path``, ``catalog_path`` or ``suggestions_path`` (the
        ``kind``) as a string: for the checks a run makes of every post, where building a
        Path costs more than the stat that checks it."""
        key = (kind, locale.gettext if locale is not None else "")
        known = self._folder_texts.get(key)
        if known is None:  # (normalized, as a Path prints: Manifest.digest keys on it)
            sample = getattr(self, f"{kind}_path")(*(() if locale is None else (locale,)), "x")
            known = self._folder_texts[key] = (os.fspath(sample.parent) + os.sep, sample.suffix)
        folder, suffix = known
        return f"{folder}{slug}{suffix}"

    def suggestions_path(self, locale: Locale, slug: str) -> Path:
        """The post's machine-translation memory (catalog.MachineMemory), beside its catalog.

        Under translations/, so it travels with the catalogs (a reviewer sees the
        engine's suggestion for a changed paragraph, and a clone publishes the same).
        """
        return self._locale_dir(f"{locale.gettext}/.mt") / f"{slug}.json"

    def _locale_dir(self, name: str) -> Path:
        """A folder under translations/, joined once (a run asks for every post's files)."""
        folder = self._locale_dirs.get(name)
        if folder is None:
            folder = self._locale_dirs[name] = self.translations_dir / name
        return folder

    def ui_catalog_path(self, locale: Locale) -> Path:
        return self.catalog_path(locale, UI_CATALOG)

    def catalogs(self, locale: Locale) -> list[Path]:
        """Every catalog of a locale, the interface's included (what ``check`` reads)."""
        folder = self.translations_dir / locale.gettext
        return sorted(p for p in folder.glob("*.po") if not p.name.startswith("."))

    def mt_memory_path(self, engine: str, locale: Locale) -> Path:
        """The sentence memory of one engine and language (sqlite; the state, not the site)."""
        return self.state_dir / "mt-memory" / f"{engine}-{locale.path}.sqlite"

    def verdicts_path(self) -> Path:
        """Machine translations' verdicts (publish.verdicts: a cache, sqlite)."""
        return self.state_dir / "verdicts.sqlite"

    def ui_template_path(self) -> Path:
        return self.template_path(UI_CATALOG)

    def basepath(self, catalog: Path) -> str:
        """The work folder seen from a catalog's folder (``../..``): the ``#:`` references
        name files relative to the work folder, and Poedit resolves them from here."""
        return Path(os.path.relpath(self.root, catalog.parent)).as_posix()

    def site_path(self, name: str) -> Path:
        return self.site_dir / name

    def rel(self, path: Path | str) -> str:
        """A path as the user sees it in messages: relative to the work folder."""
        text, root = os.fspath(path), self._root_text  # (strings: a run asks for every file)
        if text.startswith(root) and ".." not in text:
            return text[len(root) :]
        try:
            return str(Path(text).relative_to(self.root))
        except ValueError:
            return text

    # --- posts ------------------------------------------------------------------------

    def slugs(self) -> list[str]:
        """Every stored post's slug, sorted (posts gone from a feed stay)."""
        if not self.content_dir.is_dir():
            return []
        with os.scandir(self.content_dir) as entries:  # (names only: no Path per post)
            names = [e.name[:-5] for e in entries
                     if e.name.endswith(".html") and not e.name.startswith(".")]
        return sorted(n for n in names if n and n not in RESERVED_SLUGS)

    def read_post(self, slug: str) -> str:
        return self.content_path(slug).read_text(encoding="utf-8")

    def write_post(self, slug: str, document: str) -> bool:
        """Store an English original; True when its bytes changed."""
        return self.write(self.content_path(slug), document.encode("utf-8"))

    # --- post identity ----------------------------------------------------------------

    def identities(self) -> Identities:
        """Which slug each post was given, by its identity (feed id or canonical URL)."""
        slugs, links = self.state.posts()
        return Identities(slugs, links, recorded=True)

    def save_identities(self, identities: Identities) -> bool:
        """Record the slugs and links that changed (in the step's transaction)."""
        return self._change(self.state.save_posts(identities.slugs, identities.links))

    # --- the rest of the state --------------------------------------------------------

    def sources_state(self) -> dict[str, Any]:
        """What the last pull recorded per URL or file (validators, signatures)."""
        return self.state.sources()

    def save_sources_state(self, state: Mapping[str, Any]) -> bool:
        """Record the validators and file signatures that changed since :meth:`sources_state`."""
        return self._change(self.state.save_sources(state))

    def manifest(self, step: str) -> Manifest:
        """The build manifest of one step (``extract``, ``translate-es``, ``publish``)."""
        return Manifest(self, step)

    def translated(self, locale: Locale) -> Manifest:
        """The manifest of the step that writes the language's catalogs."""
        return Manifest(self, translate_step(locale))

    def written_catalogs(self, locale: Locale) -> Callable[[str], str]:
        """slug -> the digest of the catalog the translate step last wrote for it ("" for
        none): a reader whose bytes still have it skips the syntax check. For the reports,
        which change no file: the database is read only, and every digest is "" when it
        cannot be read so (missing, damaged, newer, busy): then every catalog is checked."""
        records = read_records(self.state.path, translate_step(locale))
        return lambda slug: written_digest(json.loads(records[slug])) if slug in records else ""

    def site_state(self) -> dict[str, Any]:
        """Per page: the digest of its text and when it changed."""
        return self.state.page_state()

    def save_site_state(self, state: Mapping[str, Any]) -> bool:
        return self._change(self.state.save_page_state(state))

    def reviewed(self, locale: Locale, slug: str) -> dict[str, str]:
        """The translation memory: one post's reviewed translations (English key -> text)."""
        return self.state.reviewed(locale.path, slug)

    def reviewed_for(self, locale: Locale, keys: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        """(key, post, translation) for the English ``keys`` reviewed in any post."""
        return self.state.reviewed_for(locale.path, keys)

    def save_reviewed(self, locale: Locale, by_post: Mapping[str, Mapping[str, str]]) -> bool:
        """Replace these posts' reviewed translations in the translation memory."""
        return self._change(State.save_reviewed(locale.path, by_post) if by_post else None)

    def _change(self, change: Change | None) -> bool:
        if change is None:
            return False
        self.change_state(change)
        return True

    def change_state(self, change: Change) -> None:
        """Apply a change of the build state: in a batch, queued and committed with the
        batch's others in one transaction once its files are in place; else now."""
        if self._batch is not None:
            self._state_changes.append(change)
        else:
            self.state.apply([change])

    # --- reading and writing ----------------------------------------------------------

    def read(self, path: Path) -> bytes | None:
        """A file's bytes, None when it does not exist; StoreError when it cannot be read
        (a symbolic link out of the work folder included: see :meth:`readable`)."""
        try:
            return self.readable(path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.rel(path)}: cannot read ({exc.strerror or exc})") from exc

    def write(self, path: Path, data: bytes) -> bool:
        """Write atomically when the bytes differ; a symlink is written through to its target.

        A symlink whose target lies outside the work folder is refused (a run must
        never write outside it), with an error that quotes nothing from the file.
        """
        target = self._writable(path)
        pending = self._batch.get(os.fspath(target)) if self._batch is not None else None
        current = Path(pending) if pending is not None else target
        try:
            if current.exists() and current.read_bytes() == data:
                return False
        except OSError:
            pass
        self.write_new(path, data)
        return True

    def write_new(self, path: Path, data: bytes, expect: str | None = None) -> None:
        """Write atomically, whatever is there (the caller has compared already).

        ``expect``: the digest (:meth:`file_digest`) the file had when the caller read
        it. If someone writes the file before this write reaches the disk (a translator
        saves the catalog the run merged), theirs is kept and the write dropped, with a
        warning: the next run merges their version.
        """
        target = self._writable(path)
        try:
            if self._batch is None:
                if expect is not None and self.file_digest(target) != expect:
                    log.warning("%s changed during the run: kept as it is", self.rel(path))
                    return
                write_atomic(target, data)
                return
            key = os.fspath(target)
            if expect is not None:
                self._expected[key] = expect
            tmp = write_temporary(target, data, sync=False)
            self._pending_digests[key] = bytes_digest(data)
            old = self._batch.pop(key, None)
            if old is not None:
                Path(old).unlink(missing_ok=True)
            self._batch[key] = os.fspath(tmp)
        except OSError as exc:
            raise StoreError(
                f"{self.rel(path)}: cannot write ({exc.strerror or exc}); check the folder's "
                "permissions and free disk space (nothing was half-written)"
            ) from exc

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes, one flush to disk: each file is still replaced whole, old or new.

        Inside, writes go to temporary files; at the end one ``os.sync()``
        makes them durable and each is renamed over its target, so a crash at
        any moment leaves every file as it was or as it should be (as with one
        fsync per file, at a fraction of the cost for thousands of files). The
        renames are journalled (:mod:`intl_pub.workdir.journal`): after a crash the next
        run finishes them, so a step's files end all old or all new. Then the step's
        changes of the build state (:meth:`change_state`) are committed in one
        transaction: a crash before it only makes the next run redo the step's work.
        """
        if self._batch is not None:
            yield
            return
        self._batch = {}
        try:
            yield
        finally:
            pending, self._batch = self._batch, None
            expected, self._expected = self._expected, {}
            self._pending_digests = {}
            changes, self._state_changes = self._state_changes, []
            if pending:
                self._commit(pending, expected)
            callbacks, self._after_commit = self._after_commit, []
            for callback in callbacks:
                callback()
            if changes:  # after the files: the state never claims an output not on disk
                self.state.apply(changes)

    def _commit(self, pending: dict[str, str], expected: dict[str, str]) -> None:
        try:
            done = journal.commit(pending, self.state_dir / JOURNAL_DIR, expected, self.file_digest)
        except OSError as exc:
            raise StoreError(
                f"{self.rel(self.state_dir / JOURNAL_DIR)}: cannot record this step's "
                f"{len(pending)} file(s) ({exc.strerror or exc}); none was changed: free disk "
                "space and run again"
            ) from exc
        self._committed.update(done)
        for target in [t for t, written in done.items() if written is None]:
            log.warning(
                "%s was saved by someone else during the run: their version is kept, and "
                "the next run merges it",
                self.rel(target),
            )

    def still_ours(self, path: Path, signature: list[int]) -> bool:
        """Whether ``path`` (of that size, mtime, ctime and inode) is still what this run's
        last batch renamed there: not dropped for someone's save, nor saved over since."""
        target = os.fspath(path)
        if target not in self._committed:
            target = os.fspath(path.resolve())
        written = self._committed.get(target, signature[:2] + signature[3:])
        return written == signature[:2] + signature[3:]

    def after_batch(self, callback: Callable[[], None]) -> bool:
        """Call ``callback`` once the current batch is on disk; False when there is none."""
        if self._batch is None:
            return False
        self._after_commit.append(callback)
        return True

    def pending_digest(self, path: Path | str) -> str | None:
        """The digest of what a batch will write to ``path``, if it writes there."""
        if not self._pending_digests:  # (hashing a Path costs more than the look-up)
            return None
        return self._pending_digests.get(os.fspath(path))

    def file_digest(self, path: Path) -> str:
        """The file's sha256 now (16 hex digits), "" when missing; never cached."""
        try:
            return bytes_digest(path.read_bytes())
        except FileNotFoundError:
            return ""

    def remove(self, path: Path) -> bool:
        if not path.exists():
            return False
        path.unlink()
        try:
            path.parent.rmdir()  # only when empty
        except OSError:
            pass
        return True

    def _writable(self, path: Path) -> Path:
        if not path.is_symlink():
            return path
        target = path.resolve()
        if not target.is_relative_to(self.root):
            raise StoreError(self._outside(path))
        return target

    def readable(self, path: Path) -> Path:
        """The file to read for ``path``: itself, or its symlink's target inside the work folder.

        A link leading outside (a catalog linked to /etc/passwd) is refused before a
        byte is read, so no error can quote the file; a translator's checkout linked
        from inside the work folder is read as usual.
        """
        if path.is_symlink() and not path.resolve().is_relative_to(self.root):
            raise StoreError(self._outside(path))
        return path

    def _outside(self, path: Path) -> str:
        return (
            f"{self.rel(path)} is a symbolic link to a file outside the work folder; "
            "intl-pub does not read or write there: replace the link with the file, or link "
            "to a file inside the work folder"
        )

    # --- the lock ---------------------------------------------------------------------

    @contextmanager
    def locked(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the work folder for one run, so two runs never write the same catalogs.

        While a run works, the lock file says who it is (pid, host, since when): a
        second run that waits or gives up names it. The file is emptied when the run
        ends, so a run that finds it filled knows the last one was killed and removes
        the temporary files it left (a file is written as a temporary, then renamed).
        """
        if not self.root.is_dir():
            raise StoreError(
                f"{self.root}: no such work folder; create it, or pass --workdir with the "
                "folder that holds intl-pub.toml"
            )
        path = self.root / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._acquire(fd, wait_seconds)
            try:
                last = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
                finished = journal.replay(self.state_dir / JOURNAL_DIR, self.file_digest)
                if last.isdigit():  # intl-pub 0.1 wrote its pid and never emptied the file
                    self.remove_temporaries()
                elif last:
                    removed = self.remove_temporaries()
                    log.warning(
                        "the last run here (%s) did not finish: %d rename(s) of its last "
                        "step finished now, %d temporary file(s) removed; every file is as "
                        "that step found it or as it left it",
                        _holder(last),
                        finished,
                        removed,
                    )
                since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": since}
                os.ftruncate(fd, 0)
                try:
                    os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
                except OSError as exc:
                    raise StoreError(
                        f"{self.rel(path)}: cannot write ({exc.strerror or exc}); free disk "
                        "space and run again (nothing was changed)"
                    ) from exc
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _acquire(self, fd: int, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError as exc:
                holder = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace").strip())
                if time.monotonic() >= deadline:
                    raise LockError(
                        f"{self.root}: another intl-pub run is working here ({holder}); wait "
                        "for it to finish (or set lock_wait_seconds in intl-pub.toml to wait)"
                    ) from exc
                if not announced:
                    log.info("waiting for another run (%s) to finish in %s", holder, self.root)
                    announced = True
                time.sleep(0.2)

    def remove_temporaries(self) -> int:
        """Remove the temporary files a killed run left (never read: their names are hidden)."""
        removed = 0
        for folder in (self.content_dir, self.translations_dir, self.site_dir, self.state_dir):
            for parent, _dirs, names in os.walk(folder):
                for name in names:
                    if _TEMPORARY.fullmatch(name):
                        Path(parent, name).unlink(missing_ok=True)
                        removed += 1
        return removed

    def require(self) -> None:
        """A missing work folder is an error, not an empty blog."""
        if not self.root.is_dir():
            raise StoreError(
                f"{self.root}: no such work folder; pass --workdir with the folder that holds "
                "content/ and translations/"
            )


def _holder(text: str) -> str:
    """Who holds (or held) the lock, from the lock file: ``pid 4242 on build-1, since …``."""
    try:
        info = json.loads(text)
        return f"pid {info['pid']} on {info['host']}, since {info['since']}"
    except (ValueError, TypeError, KeyError):
        return f"pid {text}" if text.isdigit() else "another process"  # intl-pub 0.1 wrote a pid


_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""files.write_temporary's names: ``.<name>.<8 random characters>.tmp``."""
