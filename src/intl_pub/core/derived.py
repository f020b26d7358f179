"""Tables derived from installed packages, kept on disk between runs: a cache, never state.

Why: a run that has one changed post still needs the verifier's whole
vocabulary — the drug dictionary of the drug-named-entity-recognition wheel
(0.4 s to unpack and index), CLDR's unit names per language. Worked out once
and pickled, the next process loads them in milliseconds. Nothing here is the
user's: the folder may be deleted at any time, a damaged or unwritable file is
rebuilt or skipped, and the key names every input (intl-pub's version, the
source of the module that builds the table, the packages it reads), so an
upgrade never reads an old table.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from intl_pub.core.config import environment

log = logging.getLogger(__name__)

_T = TypeVar("_T")


def remembered(name: str, build: Callable[[], _T], *packages: str) -> _T:
    """``build()``, or what it returned in an earlier process with the same inputs.

    ``packages``: the distributions whose data ``build`` reads (their versions are
    part of the key, as are intl-pub's and the source of ``build``'s module).
    """
    folder = environment().cache_dir
    if folder is None:
        return build()
    path = Path(folder) / f"{name}-{_key(name, build, packages)}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception as exc:  # a torn or foreign file: this is only a cache
        log.debug("derived table %s unreadable (%s): rebuilt", path, exc)
    value = build()
    _store(path, value)
    return value


class Growing:
    """A table kept on disk that grows as processes ask it for entries it lacks.

    Why: some derived values are worked out on demand, one key at a time (the
    verifier's ~180 patterns, each compiled when a rule of a language first needs
    it: ~0.2 s of every process that verifies). Each process reads the table
    once, at its first look-up, and when it exits writes back what it added,
    merged with what other processes wrote meanwhile (a lost race only costs
    working an entry out again). ``packages``: the distributions whose versions
    decide the values (with Python's version, part of the file's name).
    """

    def __init__(self, name: str, *packages: str) -> None:
        self.name, self.packages = name, packages
        self._known: dict[object, object] | None = None
        self._added: dict[object, object] = {}
        self._flushed_by: int | None = None  # the process that will write back its additions

    def get(self, key: object) -> object | None:
        if self._known is None:
            self._known = self._read()
        return self._known.get(key)

    def add(self, key: object, value: object) -> None:
        if self._known is None:
            self._known = self._read()
        self._known[key] = value
        if self._path() is None:
            return
        self._added[key] = value
        if self._flushed_by != os.getpid():  # (a forked child starts with no exit hooks)
            import multiprocessing.util  # runs at exit in this process, worker or not

            multiprocessing.util.Finalize(None, self.flush, exitpriority=0)
            self._flushed_by = os.getpid()

    def flush(self) -> None:
        """Write what this process added (at exit; by hand in tests)."""
        path = self._path()
        if path is None or not self._added:
            return
        _store(path, {**self._read(), **self._added})
        self._added = {}

    def _path(self) -> Path | None:
        folder = environment().cache_dir
        if folder is None:
            return None
        parts = [self.name, sys.version.split()[0]]
        parts += [f"{p}={package_version(p)}" for p in self.packages]
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
        return Path(folder) / f"{self.name}-{key}.pickle"

    def _read(self) -> dict[object, object]:
        path = self._path()
        if path is None:
            return {}
        try:
            with path.open("rb") as file:
                table = pickle.load(file)
            return table if isinstance(table, dict) else {}
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a torn or foreign file: this is only a cache
            log.debug("derived table %s unreadable (%s): worked out again", path, exc)
            return {}


def installed_file(package: str, name: str) -> Path | None:
    """A data file inside an installed package, found without importing the package (None,
    logged, when it is not installed: the check it feeds is then left out)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        log.warning("%s is not installed: the checks built on its data are left out", package)
        return None
    return Path(next(iter(spec.submodule_search_locations))) / name


def _key(name: str, build: Callable[[], object], packages: tuple[str, ...]) -> str:
    from intl_pub import __version__

    parts = [name, __version__, sys.version.split()[0], _source_digest(build)]
    parts += [f"{p}={package_version(p)}" for p in packages]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _source_digest(build: Callable[[], object]) -> str:
    while isinstance(build, functools.partial):
        build = build.func
    module = inspect.getmodule(build)
    source = getattr(module, "__file__", None)
    return file_digest(source) if source else ""


@functools.cache
def file_digest(path: str) -> str:
    """A source file's sha256, read once per process ("" when unreadable)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


@functools.cache
def package_version(package: str) -> str:
    """The installed version (~1 ms to look up; every table of a process names babel or
    regex, so each is looked up once)."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _store(path: Path, value: object) -> None:
    """Written whole or not at all (another process may be reading the same name)."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as file:
            temporary = Path(file.name)
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("derived table %s not kept: %s", path, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
