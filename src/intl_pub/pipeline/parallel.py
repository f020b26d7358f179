"""A step's independent jobs spread over this machine's cores.

Python runs one thread at a time, and the per-language work of a big post
(merging and writing a 100,000-entry catalog, rendering its page) is seconds
of pure Python. When the jobs are big enough to pay for it, :func:`run_jobs`
runs them in worker processes: ``intl-pub run``/``translate`` translates the
locales side by side, and publishing renders a big post's languages side by
side. Workers are started by ``forkserver`` (safe beside the threads of a
Prefect run, which ``fork`` is not) with the parent's environment, collector
thresholds and log level, and never import the parent's ``__main__``. Jobs
that would use what the parent holds (publishing: the post's parsed tree) get
workers forked from it instead, when it runs no other thread. A job's log records and
what it sends (progress) reach the parent as they happen; its exception
comes back as the job's result; a worker that dies has its job done again here.
:func:`share_out` cuts one job over many items (an unchanged run's check of every
post) into a part a core, in workers forked from the step.

``INTL_PUB_WORKERS`` caps the processes (``1``: everything in this process).

Two process-wide tricks that speed depends on live here, named, each with a
test that fails when it silently stops working (tests/test_parallel.py):
:func:`fewer_collections` (the cycle collector's thresholds while steps run)
and :func:`offer`/:func:`take` (what a step hands to the jobs that share this
process's memory, such as a post's parsed tree).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from queue import Empty
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from intl_pub.core.config import environ_snapshot, environment

if TYPE_CHECKING:
    from intl_pub.workdir.manifest import Learnt, Manifest

log = logging.getLogger(__name__)
_R = TypeVar("_R")

GC_THRESHOLDS = (100_000, 10, 10)
"""The cycle collector's thresholds while steps run (see :func:`fewer_collections`)."""

MIN_WORK = 1_000_000
"""Characters of input below which jobs stay in this process: a worker costs ~1 s to
start (the imports), more than rendering a post of a few thousand paragraphs."""

CHECK_WORK = 250
"""What checking one post's files for a change counts for as ``work`` (characters of
rendering, ~100 µs): :func:`share_out` forks workers to check from ~4,000 posts on."""


class Outcome(NamedTuple):
    """A job's value, or the exception it raised (``value`` is then None)."""

    value: Any
    error: BaseException | None


def worker_count(jobs: int, work: int) -> int:
    """How many processes ``jobs`` jobs over ``work`` characters in all should use (one in a
    worker: the workers already use every core)."""
    env = environment()
    cores = usable_cores()
    # By default one more than the cores (the parent only waits), none on one core.
    limit = env.workers if env.workers is not None else (cores + 1 if cores > 1 else 1)
    least = env.parallel_min_work if env.parallel_min_work is not None else MIN_WORK
    if jobs < 2 or limit < 2 or work < least or _queue is not None:  # (a worker starts none)
        return 1
    return min(jobs, limit)


def run_jobs(
    job: Callable[..., Any],
    arguments: Sequence[tuple[Any, ...]],
    work: int = 0,
    events: Callable[[Any], None] | None = None,
    shared: Callable[[], contextlib.AbstractContextManager[object]] | None = None,
) -> list[Outcome]:
    """``job(*args)`` for every ``args``, in order; in workers when ``work`` pays for them.

    With ``events``, each job gets one more argument, ``send``: what it sends
    (say, its progress) reaches ``events`` in this process as it happens, as do
    its log records. ``job`` must be a module-level function and its arguments
    picklable. ``shared``: what this process sets up for jobs that use its
    memory (a parsed tree offered, a cache filled), entered around them when
    they run here or in workers forked from it, which they then are when that
    is safe (see :func:`start_method`): at no start-up cost, with the memory
    shared until written. Not entered when workers start clean. Jobs that load
    native thread pools (an MT engine) must not ask.
    """
    count = worker_count(len(arguments), work)
    method = start_method(shared is not None) if count > 1 else "here"
    log.debug("%d jobs, %d characters of work: %d processes (%s)", len(arguments), work,
              count, method)
    extra = (events,) if events is not None else ()
    with contextlib.ExitStack() as stack:
        if shared is not None and method != "forkserver":
            stack.enter_context(shared())
        if count == 1:
            return [_here(job, (*args, *extra)) for args in arguments]
        outcomes = _in_workers(job, arguments, count, method, events)
        if any(isinstance(o.error, BrokenProcessPool) for o in outcomes):
            log.warning("a worker process stopped (out of memory?); doing its work in this process")
            return [
                _here(job, (*args, *extra)) if isinstance(o.error, BrokenProcessPool) else o
                for o, args in zip(outcomes, arguments, strict=True)
            ]
        return outcomes


def usable_cores() -> int:
    """The processors this process may run on: the machine's, or fewer where its affinity
    says so (a container's share of a bigger machine)."""
    cores = os.cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return min(cores, len(os.sched_getaffinity(0)) or 1)
    return cores


def share_out(
    job: Callable[[Sequence[Any]], Any], items: Sequence[Any], work: int
) -> list[Any]:
    """``job`` over ``items`` cut into one part a core, in order; the parts in workers forked
    from this process, which read what it holds (a run's loaded state), when ``work`` pays
    for them and forking is safe (:func:`start_method`). Otherwise one part, here.

    Why: an unchanged run of 100,000 posts is a million ``stat`` calls and their
    comparisons, one core's work; a worker forked from this process costs milliseconds.
    ``job`` must not write what the parent would need to see (its state, its database):
    it returns what it found, and the caller takes that in.
    """
    parts = worker_count(min(usable_cores(), len(items)), work)
    if parts < 2 or start_method(True) != "fork":
        return [job(items)]
    bounds = list(itertools.pairwise(len(items) * i // parts for i in range(parts + 1)))
    outcomes = run_jobs(
        _share_part, bounds, work=work, shared=lambda: offer(_SHARED_OUT, (job, items))
    )
    values = []
    for (start, stop), outcome in zip(bounds, outcomes, strict=True):
        if isinstance(outcome.error, _NotShared):  # (a thread started meanwhile: not forked)
            values.append(job(items[start:stop]))
        elif outcome.error is not None:
            raise outcome.error
        else:
            values.append(outcome.value)
    return values


def check_across_cores(
    manifest: Manifest, check: Callable[[Sequence[str]], _R], slugs: Sequence[str]
) -> list[_R]:
    """``check`` of each part of ``slugs`` (:func:`share_out`: in forked workers when there
    are enough posts), in order; what ``manifest`` learnt of the files in each worker is
    taken in here, to be saved with the step.

    ``check`` reads the step's state and files, nothing else: its digest cache is loaded
    before the fork (the records it asks for are the caller's to load)."""
    manifest.load()

    def job(part: Sequence[str]) -> tuple[_R, Learnt]:
        start = manifest.mark()
        return check(part), manifest.found(start)

    results = []
    for result, learnt in share_out(job, slugs, len(slugs) * CHECK_WORK):
        manifest.take_in(learnt)
        results.append(result)
    return results


_SHARED_OUT = "parallel.share_out"


class _NotShared(Exception):
    """A worker of :func:`share_out` that does not share the parent's memory."""


def _share_part(start: int, stop: int) -> Any:
    """A worker's part of :func:`share_out`: the job and its items are the parent's own."""
    shared = offered(_SHARED_OUT)
    if shared is None:
        raise _NotShared
    job, items = shared
    return job(items[start:stop])


def _in_workers(
    job: Callable[..., Any],
    arguments: Sequence[tuple[Any, ...]],
    count: int,
    method: str,
    events: Callable[[Any], None] | None,
) -> list[Outcome]:
    """The jobs in ``count`` worker processes started by ``method``; a dead worker's jobs
    come back as BrokenProcessPool."""
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload([job.__module__])
    level = min(logging.getLogger(name).getEffectiveLevel() for name in ("", "intl_pub"))
    queue = context.Queue()
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_start,
        initargs=(gc.get_threshold(), level, queue, environ_snapshot()),
    ) as pool, _shared_memory(method):
        with _main_left_alone():  # the workers start here, one per job
            futures = [_submit(pool, _remote, job, args, events is not None) for args in arguments]
        finished = 0
        while finished < len(futures):  # every job ends its messages with "done"
            try:
                kind, payload = queue.get(timeout=0.5)
            except Empty:
                if any(f.done() and f.exception() is not None for f in futures):
                    break  # a worker died (killed, out of memory): its job never says "done"
                continue
            if kind == "done":
                finished += 1
            elif kind == "log":
                logger = logging.getLogger(payload.name)
                if logger.isEnabledFor(payload.levelno):
                    logger.handle(payload)
            elif events is not None:
                events(payload)
        return [
            Outcome(*f.result()) if f.exception() is None else Outcome(None, f.exception())
            for f in futures
        ]


def _submit(pool: ProcessPoolExecutor, *call: Any) -> Future[Any]:
    """``pool.submit(*call)``; a worker that died while the jobs were being handed out
    breaks the pool at once, and the jobs not handed out yet come back as BrokenProcessPool
    too (redone in this process, as the dead worker's are), not as the step's failure."""
    try:
        return pool.submit(*call)
    except BrokenProcessPool as exc:
        broken: Future[Any] = Future()
        broken.set_exception(exc)
        return broken


def start_method(inherit: bool) -> str:
    """``fork`` when the jobs would use this process's memory (``inherit``) and it runs no
    other thread.

    A forked child gets a copy of the parent as it is, locks included: beside
    another thread (a Prefect task runner's, a progress display's, an MT
    engine's pool) a lock that thread held would stay locked in the child
    forever. Otherwise ``forkserver``.
    """
    if (
        inherit
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not any(name in sys.modules for name in _THREAD_POOLS)
    ):
        return "fork"
    return "forkserver"


_THREAD_POOLS = ("ctranslate2", "torch", "onnxruntime", "tensorflow")
"""Libraries whose native thread pools (OpenMP, intra-op) threading cannot see: once one
is loaded (an engine checked or used in this process), workers start clean. (OpenBLAS,
which numpy starts, re-creates its pool in a forked child itself.)"""


@contextlib.contextmanager
def _shared_memory(method: str) -> Iterator[None]:
    """Forked workers share the parent's pages until they write them; the cycle collector
    would write to every object it visits (its header), so the objects alive at the fork
    are set aside for it (``gc.freeze``) until the workers are done."""
    if method != "fork" or gc.get_freeze_count():  # (what the host froze is the host's)
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _main_left_alone() -> Iterator[None]:
    """Workers started inside do not import the parent's ``__main__``: a script that calls
    the pipeline without ``if __name__ == "__main__"`` would run again in each of them.
    (multiprocessing leaves a main module alone whose spec is named ``__main__``.)"""
    main = sys.modules.get("__main__")
    saved = getattr(main, "__spec__", None)
    if main is not None:
        main.__spec__ = types.SimpleNamespace(name="__main__")  # type: ignore[assignment]
    try:
        yield
    finally:
        if main is not None:
            main.__spec__ = saved


def _here(job: Callable[..., Any], args: tuple[Any, ...]) -> Outcome:
    try:
        return Outcome(job(*args), None)
    except Exception as exc:  # handed back to the caller, as from a worker
        return Outcome(None, exc)


_queue: Any = None
"""A worker's line to the parent: ("log", record), ("event", payload), ("done", None)."""


class _Forward(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # picklable, formatted here
        record.exc_info = record.exc_text = None
        _queue.put(("log", record))


def _start(
    thresholds: tuple[int, int, int], level: int, queue: Any, environ: dict[str, str]
) -> None:
    global _queue
    _queue = queue
    # The fork server keeps the environment it was started with; a worker runs with the
    # parent's as it is now (SOURCE_DATE_EPOCH, INTL_PUB_* settings).
    os.environ.clear()
    os.environ.update(environ)
    gc.set_threshold(*thresholds)
    # A forked worker has the parent's handlers: every record goes to the parent instead,
    # which writes it once, where it writes its own.
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.handlers.clear()
    root = logging.getLogger()
    root.handlers[:] = [_Forward()]
    root.setLevel(level)


def _send(payload: Any) -> None:
    _queue.put(("event", payload))


def _remote(job: Callable[..., Any], args: tuple[Any, ...], events: bool) -> Outcome:
    try:
        return _here(job, (*args, _send) if events else args)
    finally:
        _queue.put(("done", None))


# --- the cycle collector ------------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_steps = 0
_gc_saved: tuple[int, int, int] = gc.get_threshold()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cycle collector less often while steps run (restored after the last).

    A step allocates millions of small objects (BeautifulSoup trees, catalog
    entries); at the default thresholds (700, 10, 10) the collector took about
    a third of publishing a 20,000-paragraph post. Cyclic garbage (a discarded
    tree) is still collected, after 100,000 allocations rather than 700. Steps
    running in threads side by side (a Prefect run) share one setting: the
    first to start sets it, the last to end restores what was there.
    """
    global _gc_steps, _gc_saved
    with _gc_lock:
        if _gc_steps == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLDS)
        _gc_steps += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_steps -= 1
            if _gc_steps == 0:
                gc.set_threshold(*_gc_saved)


# --- what jobs that share this process's memory get for free ---------------------------------

_shelf: dict[str, Any] = {}
"""Objects offered by key to the jobs run here or in workers forked meanwhile (each a copy)."""


@contextlib.contextmanager
def offer(key: str, value: Any) -> Iterator[None]:
    """Offer ``value`` under ``key`` while the block runs: :func:`take` hands it to one job.

    Meant for :func:`run_jobs`' ``shared`` set-up: a forked worker starts with
    the parent's memory, so what is offered costs it nothing (copy-on-write).
    """
    _shelf[key] = value
    try:
        yield
    finally:
        _shelf.pop(key, None)


def take(key: str) -> Any:
    """The value offered under ``key`` for one job only (the next gets None), or None.

    For what a job changes (a parsed tree it rebuilds in place).
    """
    return _shelf.pop(key, None)


def offered(key: str) -> Any:
    """The value offered under ``key`` (every job reads the same), or None."""
    return _shelf.get(key)
