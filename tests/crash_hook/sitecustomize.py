"""Fault points for tests/test_crash.py, loaded into an ``intl-pub`` subprocess through PYTHONPATH.

Every file intl-pub writes goes from old to new by one ``os.replace`` (a temporary file
renamed over it), so the renames of a run are its crash points: between two of them some
files are new and the others old. Set by the test, never by users:

* ``INTL_PUB_CRASH_COUNT=FILE``: count the run's renames and ``os.sync`` calls; write
  ``{"replace": N, "sync": M}`` to FILE at exit.
* ``INTL_PUB_CRASH_AT=N``: SIGKILL this process just before its Nth rename.
* ``INTL_PUB_CRASH_LOG=FILE``: append ``<time.time()> <target>`` to FILE after each rename
  (two runs' logs show whether their writes interleaved).
* ``INTL_PUB_SAVE_AT=N``, ``INTL_PUB_SAVE_FROM=A``, ``INTL_PUB_SAVE_TO=B``: as soon as the
  (N-1)th rename is done, i.e. before the Nth and before intl-pub's last look at its target,
  a translator's editor saves: A's bytes replace B, by a rename of its own. Saves inside the
  microseconds between intl-pub's look at B and its rename, or between its rename and its
  stat of the result, are not simulated (the save waits for the next rename): that window is
  the one documented in docs/RELIABILITY.md.
  ``INTL_PUB_SAVE_AT=commit``: as the run records the renames of the step that replaces B
  (intl_pub.workdir.journal), i.e. after it merged B and just before its renames begin.
* ``INTL_PUB_CRASH_SQL=PREFIX`` (and ``INTL_PUB_CRASH_SQL_AT=N``, default 1): SIGKILL this
  process as the build state's database (``state.sqlite``) starts the Nth statement whose
  text starts with PREFIX (``COMMIT``, ``INSERT INTO manifest``...): in the middle of a
  transaction, or just before its commit.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import sqlite3
import time

_real_replace = os.replace
_real_sync = os.sync
_counts = {"replace": 0, "sync": 0}
_kill_at = int(os.environ.get("INTL_PUB_CRASH_AT", "0"))
_save_at = os.environ.get("INTL_PUB_SAVE_AT", "")
_saved: list[bool] = []
_deferred: list[bool] = []


def _replace(src: object, dst: object, *args: object, **kwargs: object) -> None:
    _counts["replace"] += 1
    if _deferred or (_save_at == "1" and _counts["replace"] == 1):
        _save()
    if _save_at == "commit" and _commits(src, dst):
        _save()
    if _counts["replace"] == _kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    _real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]
    if "INTL_PUB_CRASH_LOG" in os.environ:
        with open(os.environ["INTL_PUB_CRASH_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{time.time()} {os.fspath(dst)}\n")  # type: ignore[call-overload]
    if _save_at == str(_counts["replace"] + 1):
        if os.fspath(dst) == os.environ["INTL_PUB_SAVE_TO"]:  # type: ignore[call-overload]
            _deferred.append(True)  # not between intl-pub's rename and its look at the result
        else:
            _save()  # as soon as this rename is done: before the next one (and its check)


def _save() -> None:
    """The translator's editor saves INTL_PUB_SAVE_TO (by a rename of its own), once."""
    if _saved:
        return
    _saved.append(True)
    target = os.environ["INTL_PUB_SAVE_TO"]
    shutil.copyfile(os.environ["INTL_PUB_SAVE_FROM"], target + ".editor-save")
    _real_replace(target + ".editor-save", target)


def _commits(src: object, dst: object) -> bool:
    """Is this the rename of a journal record that will replace INTL_PUB_SAVE_TO?"""
    target = os.environ["INTL_PUB_SAVE_TO"]
    if os.path.basename(os.path.dirname(os.fspath(dst))) != "journal":  # type: ignore[call-overload]
        return False
    with open(src, encoding="utf-8") as record:  # type: ignore[call-overload]
        return json.dumps(target) in record.read()


def _sync() -> None:
    _counts["sync"] += 1
    _real_sync()


def _report() -> None:
    with open(os.environ["INTL_PUB_CRASH_COUNT"], "w", encoding="utf-8") as out:
        json.dump(_counts, out)


if {"INTL_PUB_CRASH_COUNT", "INTL_PUB_CRASH_LOG"} & set(os.environ) or _kill_at or _save_at:
    os.replace = _replace  # type: ignore[assignment]
    os.sync = _sync
    if "INTL_PUB_CRASH_COUNT" in os.environ:
        atexit.register(_report)


_real_connect = sqlite3.connect
_statements: list[str] = []


def _connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
    """sqlite3.connect, with a trace of the statements run on the build state's database."""
    db = _real_connect(database, *args, **kwargs)  # type: ignore[arg-type]
    if os.fspath(database).endswith("state.sqlite"):  # type: ignore[call-overload]
        db.set_trace_callback(_statement)
    return db


def _statement(sql: str) -> None:
    if sql.lstrip().startswith(os.environ["INTL_PUB_CRASH_SQL"]):
        _statements.append(sql)
        if len(_statements) == int(os.environ.get("INTL_PUB_CRASH_SQL_AT", "1")):
            os.kill(os.getpid(), signal.SIGKILL)


if "INTL_PUB_CRASH_SQL" in os.environ:
    sqlite3.connect = _connect  # type: ignore[assignment]
