"""intl-pub as Prefect flows: thin wrappers over intl_pub.pipeline.

* ``run_flow``       the steps of ``intl_pub.pipeline.plan``: pull -> extract -> translate
                     (per locale) -> publish
* ``translate_flow`` pull -> extract -> translate: the hourly deployment
* ``publish_flow``   publish, optionally behind a review gate: the daily deployment

Tasks are coarse (a Prefect task costs ~20 ms on threads, ~220 ms on Dask
here) and named after their step: ``pull``, ``extract``, ``publish``. A
translate step (``translate-es``) merges and writes its catalogs in the
flow's own process and sends the sentences no memory holds to pure shard
tasks (``translate-es-shard-1``, ...: sentences in, translations and scores
out, split by token budget), so Dask workers on other machines need the
models, not the work folder. Retries (``[pipeline] retries``) by default only
on the network (pull) and the engine (shards). A failed post or locale is
reported and the others go on; its step's task ends Failed (so Prefect's
retries, graph and alerts point at it) and the flow then fails with a summary
naming each failure. An expected failure (IntlPubError: a missing work folder
or model, a broken catalog) is one ERROR line; its traceback is logged at
DEBUG (``intl-pub run --debug`` shows it). Models are loaded once per worker
process (intl_pub.mt keeps them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from intl_pub_flows.logs import quiet_expected_failures, step_line
from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import pause_flow_run
from prefect.states import Failed, State

from intl_pub import pipeline
from intl_pub.core.config import Settings, load_settings
from intl_pub.core.errors import IntlPubError
from intl_pub.core.locales import parse_locales
from intl_pub.core.model import Locale, RunReport
from intl_pub.mt import MTSettings, SentenceTranslation, shards
from intl_pub.review import queue as review_queue
from intl_pub.review import status as review_status
from intl_pub.review import triage
from intl_pub.workdir.store import Store


@dataclass(frozen=True)
class StepOutcome:
    """A failed step's report, carried by its task's Failed state (the files it did write,
    and one line per failure); its repr is short because Prefect logs the state."""

    report: RunReport

    def __repr__(self) -> str:
        return f"{len(self.report.written)} written, {len(self.report.failures)} failed"


@task(cache_policy=NO_CACHE)
def translate_shard(
    engine: str, mt: MTSettings, locale: Locale, sentences: list[str]
) -> list[SentenceTranslation]:
    """Machine-translate one shard: texts in, translations and scores out; no work-folder file."""
    return shards.translate_shard(engine, mt, locale, sentences)


@task(cache_policy=NO_CACHE)
def run_step(
    step: pipeline.Step, settings: Settings, sources: Sequence[str] | None
) -> RunReport | State[StepOutcome]:
    """One step of intl_pub.pipeline (pull, extract, publish): Failed when any part failed
    (retried as ``[pipeline] retries`` says), with what the step did."""
    quiet_expected_failures()  # here too: a Dask worker is another process
    logger = get_run_logger()
    try:
        report = pipeline.run_step(step, settings, sources)
    except IntlPubError as exc:  # the whole step failed, for a reason the user can fix
        logger.debug("%s failed", step.name, exc_info=exc)
        report = RunReport(failures=[f"{step.name}: {exc}"])
    logger.info("%s", step_line(report))  # the record names the task
    if report.failures:
        first, more = report.failures[0], len(report.failures) - 1
        message = f"{first} (and {more} more)" if more else first
        return Failed(message=message, data=StepOutcome(report))
    return report


@flow(name="intl-pub", log_prints=True)
def run_flow(
    workdir: str = ".",
    sources: list[str] | None = None,
    locales: list[str] | None = None,
    engine: str | None = None,
) -> dict[str, Any]:
    """Pull, translate into every locale, publish; fail with a summary if any part failed."""
    try:
        return _run(workdir, sources, locales, engine, publish=True)
    except IntlPubError as exc:
        return _failed(exc)


@flow(name="intl-pub-translate", log_prints=True)
def translate_flow(
    workdir: str = ".",
    sources: list[str] | None = None,
    locales: list[str] | None = None,
    engine: str | None = None,
) -> dict[str, Any]:
    """Pull the sources and bring every catalog up to date (no publishing)."""
    try:
        return _run(workdir, sources, locales, engine, publish=False)
    except IntlPubError as exc:
        return _failed(exc)


@flow(name="intl-pub-publish", log_prints=True)
def publish_flow(
    workdir: str = ".",
    locales: list[str] | None = None,
    gate: Literal["none", "threshold", "approval", "no-stale-risk"] = "none",
    min_reviewed: float = 0.0,
    approval_timeout_hours: float = 24.0,
) -> dict[str, Any]:
    """Publish the site, optionally behind a review gate.

    ``threshold``: publish only when every locale has at least ``min_reviewed``
    of its units reviewed (otherwise the run ends, nothing published, and says
    how far review is). ``approval``: pause until someone resumes the run in the
    Prefect UI (or the timeout passes, which fails the run). ``no-stale-risk``:
    publish only when no risky unit (a dose, a negation, a phone number...) has a
    review whose English changed since, merged or just pulled.
    """
    try:
        return _publish(workdir, locales, gate, min_reviewed, approval_timeout_hours)
    except IntlPubError as exc:
        return _failed(exc)


def _publish(
    workdir: str,
    locales: list[str] | None,
    gate: str,
    min_reviewed: float,
    approval_timeout_hours: float,
) -> dict[str, Any]:
    logger = get_run_logger()
    quiet_expected_failures()
    settings = _settings(workdir, locales, None)
    if gate == "no-stale-risk":
        risky = triage.stale_risk(settings)
        if risky:
            logger.info("not published: %d risky unit(s) with a stale review", len(risky))
            _review_artifacts(settings)
            return {"published": False, "stale_risk": risky}
    if gate == "threshold":
        short = _below_threshold(settings, min_reviewed)
        if short:
            logger.info("not published, waiting for review: %s", "; ".join(short))
            _progress_table(settings)
            return {"published": False, "waiting_for_review": short}
    if gate == "approval":
        _progress_table(settings)
        _review_artifacts(settings)
        logger.info("waiting for approval: resume this flow run in the Prefect UI to publish")
        pause_flow_run(timeout=int(approval_timeout_hours * 3600))
    report = RunReport()
    with pipeline.locked(settings):
        _run_plan(pipeline.plan(settings, pull=False, translate=False), settings, None, report)
    outcome = _finish(settings, report)
    return {"published": True, **outcome} if isinstance(outcome, dict) else outcome


def with_task_runner(chosen: Flow[Any, Any], runner: str | None) -> Flow[Any, Any]:
    """``threads`` (default), ``dask`` (a local Dask cluster) or ``dask://HOST:PORT`` / ``tcp://...``."""
    if not runner or runner == "threads":
        return chosen
    from prefect_dask import DaskTaskRunner

    if runner == "dask":
        import dask

        from intl_pub.mt.shards import DASK_CONFIG

        dask.config.set(DASK_CONFIG)  # for the process: its cluster's nannies pass it on
        return chosen.with_options(
            task_runner=DaskTaskRunner(
                cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True}
            )
        )
    address = runner.replace("dask://", "tcp://", 1)
    if not address.startswith(("tcp://", "tls://")):
        raise IntlPubError(f"task runner {runner!r}: use threads, dask, or dask://HOST:PORT")
    return chosen.with_options(task_runner=DaskTaskRunner(address=address))


# --- helpers --------------------------------------------------------------------------


def _run(
    workdir: str,
    sources: Sequence[str] | None,
    locales: list[str] | None,
    engine: str | None,
    publish: bool,
) -> dict[str, Any]:
    quiet_expected_failures()
    settings = _settings(workdir, locales, engine)
    pipeline.engine_for(settings).check(settings.locales)  # before anything is written
    report = RunReport()
    with pipeline.locked(settings):
        _run_plan(pipeline.plan(settings, publish=publish), settings, sources, report)
    return _finish(settings, report)


def _run_plan(
    steps: Sequence[pipeline.Step],
    settings: Settings,
    sources: Sequence[str] | None,
    report: RunReport,
) -> None:
    """The plan's steps in order: each a task, but a translate step runs here (its shards
    are the tasks), so the catalogs are merged and written in the flow's own process."""
    for step in steps:
        if step.action == "extract":
            _impact_artifact(settings)  # after the pull, before anything is merged
        if step.action == "translate":
            _translate_here(step, settings, report)
            continue
        future = run_step.with_options(
            name=step.name,
            task_run_name=step.name,
            retries=settings.retries.get(step.action, 0),
            retry_delay_seconds=list(settings.retry_delay_seconds),
        ).submit(step, settings, sources)
        future.wait()
        done = future.state.result(raise_on_failure=False)
        if isinstance(done, StepOutcome):  # failed, with what it did
            report.merge(done.report)
        elif future.state.is_failed() or not isinstance(done, RunReport):  # crashed
            report.failures.append(f"{step.name}: {future.state.message}")
        else:
            report.merge(done)


def _translate_here(step: pipeline.Step, settings: Settings, report: RunReport) -> None:
    """A translate step: merged and written in the flow's process, translated in shard tasks.

    The shards are pure tasks (sentences in, translations out), so Dask workers
    on other machines need the models, not the work folder.
    """
    assert step.locale is not None
    mt = pipeline.mt_settings(settings)
    retries, delays = settings.retries.get("translate", 0), list(settings.retry_delay_seconds)
    artifact = create_progress_artifact(
        0.0, key=f"mt-{step.locale.path}", description=f"Machine translation into {step.locale.tag}"
    )

    def run_shards(parts: list[list[str]]) -> list[list[SentenceTranslation]]:
        futures = [
            translate_shard.with_options(
                name=f"{step.name}-shard",
                task_run_name=f"{step.name}-shard-{number}",
                retries=retries,
                retry_delay_seconds=delays,
            ).submit(settings.engine, mt, step.locale, part)
            for number, part in enumerate(parts, 1)
        ]
        results, logger, shown = [], get_run_logger(), 0.0
        for done, future in enumerate(futures, 1):
            results.append(future.result())
            update_progress_artifact(artifact, 100.0 * done / len(futures))
            if done == len(futures) or done / len(futures) - shown >= 0.1:
                shown = done / len(futures)
                logger.info("%s: %d of %d shards translated", step.name, done, len(futures))
        return results

    logger = get_run_logger()
    try:
        done = pipeline.run_step(step, settings, run_shards=run_shards)
    except Exception as exc:  # a failed shard, a broken model: this locale fails, not the run
        logger.debug("%s failed", step.name, exc_info=exc)
        done = RunReport(failures=[f"{step.name}: {exc}"])
    logger.info("%s: %s", step.name, step_line(done))
    report.merge(done)
    update_progress_artifact(artifact, 100.0)


def _failed(exc: IntlPubError) -> State[Any]:
    """An expected failure: one ERROR line, the traceback at DEBUG, the flow Failed."""
    logger = get_run_logger()
    logger.error("%s", exc)
    logger.debug("traceback", exc_info=exc)
    return Failed(message=f"failed:\n{exc}")


def _settings(workdir: str, locales: list[str] | None, engine: str | None) -> Settings:
    settings = load_settings(workdir)
    Store(settings.workdir).require()  # a missing work folder: one line, before any step
    if locales:
        settings = replace(settings, locales=parse_locales(locales))
    if engine:
        settings = replace(settings, engine=engine)
    return settings


def _finish(settings: Settings, report: RunReport) -> Any:
    logger = get_run_logger()
    _progress_table(settings)
    _review_artifacts(settings)
    pages = [w for w in report.written if w.endswith("/index.html")]
    lines = [f"- [{p}]({settings.base_url}{p.removeprefix('site/')})" for p in pages] or ["(none)"]
    create_markdown_artifact(
        key="changed-pages", markdown="## Changed pages\n\n" + "\n".join(lines)
    )
    summary = {
        "written": len(report.written),
        "engine_calls": report.engine_calls,
        "failures": report.failures,
    }
    logger.info("wrote %d files, %d engine calls", len(report.written), report.engine_calls)
    if report.failures:
        # A failed state with the reasons, not an exception: the run ends Failed and the
        # command line prints one line per failure instead of a traceback.
        for failure in report.failures:
            logger.error("%s", failure)
        return Failed(message="failed:\n" + "\n".join(report.failures), data=summary)
    return summary


def _progress_table(settings: Settings) -> None:
    rows = review_status.status(settings)
    create_table_artifact(
        key="review-progress",
        table=[
            {
                "locale": r.locale,
                "post": r.slug,
                "reviewed": r.stats.reviewed,
                "machine": r.stats.machine,
                "untranslated": r.stats.untranslated,
                "qa_errors": r.qa_errors,
                "error": r.error,
            }
            for r in rows
        ],
        description="Review progress per locale and post, in catalog units (entries; a block "
        "can hold several: its title, alt texts)",
    )


def _below_threshold(settings: Settings, minimum: float) -> list[str]:
    short = []
    status = review_status.status(settings)
    for locale in settings.locales:
        rows = [r for r in status if r.locale == locale.tag]
        total = sum(r.stats.total for r in rows)
        share = sum(r.stats.reviewed for r in rows) / total if total else 1.0
        if share < minimum:
            short.append(f"{locale.tag} {share:.0%} reviewed (needs {minimum:.0%})")
    return short


def _impact_artifact(settings: Settings) -> None:
    """``intl-pub impact`` as a table: the reviews this pull makes stale."""
    found = triage.impact(settings)
    words = ", ".join(f"{i.locale} {i.words} words" for i in found)
    create_table_artifact(
        key="review-impact",
        table=triage.impact_rows(found) or [{"locale": "", "where": "no review goes stale"}],
        description=f"Reviewed units the English edits make stale (to re-review: {words})",
    )


def _review_artifacts(settings: Settings) -> None:
    """The review queue (top 100) and the status figures (held back, stale) as artifacts."""
    queue = triage.queue(settings)
    unverified = sum(1 for i in queue if i.entry.failures)
    create_table_artifact(
        key="review-queue",
        table=[dict(zip(review_queue.COLUMNS, row, strict=True))
               for row in review_queue.as_rows(queue[:100])],
        description=f"Entries awaiting review, most urgent first (file:line): {len(queue)} in "
        f"all, {unverified} machine translations failing verification (shown in English)",
    )
    create_table_artifact(
        key="review-status",
        table=[
            {"locale": p.locale, "post": p.post, "reviewed": p.reviewed, "machine": p.machine,
             "stale": p.stale, "held_back": p.held_back, "english": p.source}
            for p in triage.progress(settings)
        ],
        description="Published blocks per state: reviewed, machine, stale review, held back "
        "(failed verification, or risky in hold mode); units are counted in review-progress",
    )
