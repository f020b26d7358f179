"""A step's renames, finished after a crash: its files end all old or all new, never a mix.

:meth:`intl_pub.workdir.store.Store.batch` writes a step's files as temporaries, makes them
durable with one ``os.sync()``, then renames each over its target. Killed between two
renames, a step would leave some of its files new and others old: a catalog new and the
memory of its machine translations old, so that the next run took an engine's text for a
translator's. So the renames are written down first (a small JSON file, fsynced, in
``.intl-pub/journal/``) and the record is removed after the last one; the next run that
takes the work folder finishes any record it finds (:func:`replay`). A target that changed
since the record was written (a translator saved the catalog after the crash) keeps its
bytes: that rename is dropped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from intl_pub.core.files import read_json, write_atomic

VERSION = 1


def commit(
    pending: Mapping[str, str],
    folder: Path,
    expected: Mapping[str, str] | None = None,
    digest: Callable[[Path], str] | None = None,
) -> dict[str, list[int] | None]:
    """Rename each temporary over its target (``pending``: target -> temporary, as path
    texts), recorded in ``folder`` until done. Returns each target's signature (size,
    mtime, inode) right after its rename, or None for a target left as it was.

    ``expected``: the digest (by ``digest``) a target must still have when its turn
    comes, else someone wrote it while the step worked (a translator's save) and it is
    left alone. When the record cannot be written (a full disk), the temporaries are
    removed and nothing is renamed: the step's files all stay old.
    """
    expected = expected or {}
    os.sync()
    record = folder / f"{os.getpid()}-{time.monotonic_ns()}.json"
    try:
        write_atomic(record, _record(pending, expected))
    except OSError:
        for tmp in pending.values():
            Path(tmp).unlink(missing_ok=True)
        raise
    done: dict[str, list[int] | None] = {}
    for target, tmp in pending.items():
        if target in expected and digest is not None and digest(Path(target)) != expected[target]:
            os.unlink(tmp)
            done[target] = None
            continue
        os.replace(tmp, target)
        done[target] = signature(target)
    record.unlink()
    return done


def _record(pending: Mapping[str, str], expected: Mapping[str, str]) -> Iterator[bytes]:
    """The renames' record, a rename at a time (a first publish of 100,000 posts renames
    400,000 files: its record is ~80 MB, not to be held whole)."""
    yield f'{{"version": {VERSION}, "renames": ['.encode()
    for number, (target, temporary) in enumerate(pending.items()):
        item = {"tmp": temporary, "target": target, "before": signature(target),
                "expect": expected.get(target)}
        yield (("," if number else "") + json.dumps(item)).encode()
    yield b"]}"


def replay(folder: Path, digest: Callable[[Path], str] | None = None) -> int:
    """Finish the renames of every record in ``folder`` (a step killed midway); how many."""
    if not folder.is_dir():
        return 0
    done = 0
    for record in sorted(folder.glob("*.json")):
        data = read_json(record)
        for rename in data.get("renames", []) if data.get("version") == VERSION else []:
            tmp, target = Path(rename["tmp"]), Path(rename["target"])
            if not tmp.exists():
                continue  # renamed before the kill
            unchanged = signature(target) == rename["before"] and (
                rename.get("expect") is None or digest is None or digest(target) == rename["expect"]
            )
            if unchanged:
                os.replace(tmp, target)
                done += 1
            else:
                tmp.unlink()  # someone wrote the file since: theirs stays
        record.unlink()
    return done


def signature(path: Path | str) -> list[int] | None:
    """A file's (size, mtime_ns, inode): another write, or a rename over it, changes it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]
