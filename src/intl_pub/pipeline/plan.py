"""The sequence: which steps a run has, in which order, and how one step is run.

``plan()`` owns the sequence pull -> extract -> translate (one step per
locale) -> publish. ``intl-pub translate`` and ``intl-pub publish`` run a
plan in this process (:func:`run`); every Prefect flow runs the same plan,
one task per step (:func:`run_step`). Each step reads what the previous one
wrote, through the work-folder store, and returns a RunReport: a failing post
or locale is a line in the report and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from intl_pub.catalog.files import Templates
from intl_pub.core.config import Settings, environment
from intl_pub.core.model import Locale, RunReport
from intl_pub.mt import Engine, MTSettings, get_engine
from intl_pub.mt.shards import RunShards
from intl_pub.pipeline import parallel
from intl_pub.pipeline.extract import extract
from intl_pub.pipeline.publish import publish_site
from intl_pub.pipeline.pull import pull
from intl_pub.pipeline.translate import translate
from intl_pub.workdir.store import Store, translate_step

log = logging.getLogger(__name__)


ProgressFor = Callable[[Locale, int, int], None]
"""Progress of machine translation: (locale, units done, units in all)."""


@dataclass(frozen=True)
class Step:
    """One step of a run; its name is also the Prefect task's name."""

    name: str
    """``pull``, ``extract``, ``translate-es``, ``publish``."""
    action: str
    locale: Locale | None = None


def plan(
    settings: Settings, *, pull: bool = True, translate: bool = True, publish: bool = True
) -> list[Step]:
    """The steps of a run, in order (the flows and `run` execute exactly these)."""
    steps = [Step("pull", "pull")] if pull else []
    if translate:
        steps.append(Step("extract", "extract"))
        steps += [Step(translate_step(loc), "translate", loc) for loc in settings.locales]
    if publish:
        steps.append(Step("publish", "publish"))
    return steps


def run_step(
    step: Step,
    settings: Settings,
    source_list: Sequence[str] | None = None,
    progress: ProgressFor | None = None,
    run_shards: RunShards | None = None,
    templates: Templates | None = None,
) -> RunReport:
    """Run one step (a flow task calls exactly this).

    ``run_shards`` sends a translate step's sentences elsewhere in shards (the
    flow maps them over tasks, e.g. on Dask workers); the catalogs are still
    merged and written here. ``templates``: the templates parsed for an
    earlier locale of the same run.
    """
    store = Store(settings.workdir)
    with store.batch(), parallel.fewer_collections():
        return _dispatch(step, settings, store, source_list, progress, run_shards, templates)


def _dispatch(
    step: Step,
    settings: Settings,
    store: Store,
    source_list: Sequence[str] | None,
    progress: ProgressFor | None,
    run_shards: RunShards | None,
    templates: Templates | None,
) -> RunReport:
    if step.action == "pull":
        return pull(settings, source_list, store)
    if step.action == "extract":
        return extract(settings, store)
    if step.action == "translate":
        assert step.locale is not None
        locale = step.locale
        each = (lambda done, total: progress(locale, done, total)) if progress else None
        engine = engine_for(settings)
        return translate(settings, locale, engine, each, store, run_shards, templates)
    if step.action == "publish":
        return publish_site(settings, store)
    raise ValueError(f"unknown step {step.name}")


def run(
    settings: Settings,
    source_list: Sequence[str] | None = None,
    progress: ProgressFor | None = None,
    *,
    pull: bool = True,
    translate: bool = True,
    publish: bool = True,
) -> RunReport:
    """A plan, from this process: what ``intl-pub pull/translate/publish`` do.

    The locales' translate steps run side by side in worker processes when the
    templates extracted this run are big enough to pay for them.
    """
    steps = plan(settings, pull=pull, translate=translate, publish=publish)
    if translate:
        engine_for(settings).check(settings.locales)  # before anything is written
    report = RunReport()
    extracted = 0  # characters of the templates written this run
    with locked(settings):
        locales = [s for s in steps if s.action == "translate"]
        for step in steps:
            if step.action == "translate":
                if step is locales[0]:
                    for done in _translate_side_by_side(locales, settings, progress, extracted):
                        report.merge(done)
                continue
            done = run_step(step, settings, source_list, progress)
            if step.action == "extract":
                store = Store(settings.workdir)
                extracted = sum(
                    (store.root / name).stat().st_size
                    for name in done.written
                    if name.endswith(".pot") and (store.root / name).exists()
                )
            report.merge(done)
    return report


def _translate_side_by_side(
    steps: Sequence[Step], settings: Settings, progress: ProgressFor | None, work: int
) -> list[RunReport]:
    """Every locale's translate step, in worker processes when ``work`` pays for them.

    Each worker's engine then gets its share of the cores (unless ``[mt]
    intra_threads`` or ``INTL_PUB_INTRA_THREADS`` says otherwise), so the
    engines do not fight over them.
    """
    count = parallel.worker_count(len(steps), work)
    if (
        count > 1
        and settings.mt_intra_threads is None
        and not environment().intra_threads
    ):
        share = max(1, parallel.usable_cores() // count)
        settings = replace(settings, mt_intra_threads=share)

    def forward(event: tuple[Locale, int, int]) -> None:
        if progress is not None:
            progress(*event)

    templates = Templates()  # parsed once for every locale translated in this process
    outcomes = parallel.run_jobs(
        _translate_job, [(step, settings, templates) for step in steps], work, events=forward
    )
    reports = []
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
        reports.append(outcome.value)
    return reports


def _translate_job(
    step: Step,
    settings: Settings,
    templates: Templates,
    send: Callable[[tuple[Locale, int, int]], None],
) -> RunReport:
    """One locale's translate step (a worker's job); its progress goes to ``send``."""

    def each(locale: Locale, done: int, total: int) -> None:
        send((locale, done, total))

    return run_step(step, settings, None, each, templates=templates)


def engine_for(settings: Settings) -> Engine:
    """The process's engine for these settings (``[mt]``: device, compute type, threads)."""
    return get_engine(settings.engine, mt_settings(settings))


def mt_settings(settings: Settings) -> MTSettings:
    return MTSettings(
        device=settings.mt_device,
        compute_type=settings.mt_compute_type,
        inter_threads=settings.mt_inter_threads,
        intra_threads=settings.mt_intra_threads,
    )


@contextmanager
def locked(settings: Settings) -> Iterator[None]:
    """Hold the work folder for one run (see Store.locked)."""
    with Store(settings.workdir).locked(settings.lock_wait_seconds):
        yield
