"""A step's independent jobs spread over this machine's cores (a big post's languages).

Python runs one thread at a time, and rendering one language of a
100,000-paragraph post is seconds of pure Python. When a step's jobs are big
enough to pay for it, :func:`run_jobs` runs them in worker processes: started
by ``forkserver`` (safe beside the threads of a Prefect run, which ``fork`` is
not), with the collector thresholds and log level of the parent. A job's log
records are replayed in the parent, so messages appear where they always did,
and its exception comes back to the caller as the job's result.

``INTL_PUB_WORKERS`` caps the processes (``1``: everything in this process).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

MIN_WORK = 1_000_000
"""Characters of input below which jobs stay in this process: a worker costs ~1 s to
start (the imports), more than rendering a post of a few thousand paragraphs."""


class Outcome(NamedTuple):
    """A job's value, or the exception it raised (``value`` is then None)."""

    value: Any
    error: BaseException | None


def worker_count(jobs: int, work: int) -> int:
    """How many processes ``jobs`` jobs over ``work`` characters in all should use."""
    cap = os.environ.get("INTL_PUB_WORKERS", "")
    cores = int(cap) if cap.isdigit() and int(cap) > 0 else (os.cpu_count() or 1)
    if jobs < 2 or cores < 2 or work < MIN_WORK:
        return 1
    return min(jobs, cores + 1)  # one more than the cores: the parent only waits


def run_jobs(
    job: Callable[..., Any], arguments: Sequence[tuple[Any, ...]], work: int = 0
) -> list[Outcome]:
    """``job(*args)`` for every ``args``, in order; in workers when ``work`` pays for them.

    ``job`` must be a module-level function and its arguments picklable.
    """
    count = worker_count(len(arguments), work)
    if count == 1:
        return [_here(job, args) for args in arguments]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([job.__module__])
    level = min(logging.getLogger(name).getEffectiveLevel() for name in ("", "intl_pub"))
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_start,
        initargs=(gc.get_threshold(), level),
    ) as pool:
        futures = [pool.submit(_remote, job, args) for args in arguments]
        results = [f.result() for f in futures]
    outcomes = []
    for value, error, records in results:
        for record in records:
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
        outcomes.append(Outcome(value, error))
    return outcomes


def _here(job: Callable[..., Any], args: tuple[Any, ...]) -> Outcome:
    try:
        return Outcome(job(*args), None)
    except Exception as exc:  # handed back to the caller, as from a worker
        return Outcome(None, exc)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # picklable, formatted here
        record.exc_info = record.exc_text = None
        self.records.append(record)


_collect = _Collect()


def _start(thresholds: tuple[int, int, int], level: int) -> None:
    gc.set_threshold(*thresholds)
    root = logging.getLogger()
    root.handlers[:] = [_collect]
    root.setLevel(level)


def _remote(
    job: Callable[..., Any], args: tuple[Any, ...]
) -> tuple[Any, BaseException | None, list[logging.LogRecord]]:
    _collect.records = []
    value, error = _here(job, args)
    return value, error, _collect.records
