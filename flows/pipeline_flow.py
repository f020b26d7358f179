"""intl-pub as Prefect flows: thin wrappers over intl_pub.pipeline.

* ``run_flow``       pull -> extract -> translate (one task per locale) -> publish
* ``translate_flow`` pull -> extract -> translate: the hourly deployment
* ``publish_flow``   publish, optionally behind a review gate: the daily deployment

Tasks are coarse (a Prefect task costs ~20 ms on threads, ~220 ms on Dask
here): one per step, and one per locale for machine translation, which sends
all of a locale's new units to the engine in one batch. Retries only on the
network (pull) and the engine (translate). A failed post or locale is
reported and the others go on; the flow then fails with a summary naming
each failure. Models are loaded once per worker process (intl_pub.mt keeps
them), whichever task runner runs the tasks.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, Literal

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.flow_runs import pause_flow_run

from intl_pub import pipeline
from intl_pub.config import Settings, load_glossary, load_settings
from intl_pub.errors import IntlPubError
from intl_pub.locales import parse_locales
from intl_pub.model import Locale, RunReport
from intl_pub.mt import get_engine

CACHE_DAYS = 1


@task(retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def pull_posts(settings: Settings, sources: Sequence[str] | None) -> RunReport:
    return pipeline.pull(settings, sources)


@task(cache_policy=NO_CACHE)
def extract_templates(settings: Settings) -> RunReport:
    report = RunReport()
    for post in pipeline.stored_posts(settings):
        report.merge(pipeline.extract(settings, post)[1])
    return report


def translation_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    """Same work folder, same posts, same engine and model, same glossary, same catalogs.

    Nothing is cached while a post has no catalog for the locale yet: the key is
    taken before the task writes, and a run that creates catalogs must never be
    replayed for a folder whose catalogs were deleted since.
    """
    settings: Settings = parameters["settings"]
    locale: Locale = parameters["locale"]
    digest = hashlib.sha256(str(settings.workdir).encode())
    for path in sorted(settings.content_dir.glob("*.html")):
        po = settings.translations_dir / locale.gettext / f"{path.stem}.po"
        if not po.exists():
            return None
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0" + po.read_bytes())
    digest.update(get_engine(settings.engine).label(locale).encode())
    digest.update(load_glossary(settings).version.encode())
    return f"intl-pub-translate-{locale.tag}-{digest.hexdigest()}"


@task(
    retries=1,
    retry_delay_seconds=5,
    cache_key_fn=translation_key,
    cache_expiration=timedelta(days=CACHE_DAYS),
    persist_result=True,
)
def translate_locale(settings: Settings, locale: Locale) -> RunReport:
    engine = get_engine(settings.engine)  # one model per locale per process, reused
    posts = pipeline.stored_posts(settings)
    artifact = create_progress_artifact(
        0.0, key=f"mt-{locale.path}", description=f"Machine translation into {locale.tag}"
    )
    bar = _ConsoleBar(f"Translating into {locale.tag}")

    def progress(done: int, total: int) -> None:
        update_progress_artifact(artifact, 100.0 * done / max(total, 1))
        bar.update(done, total)

    try:
        return pipeline.translate_locale(settings, locale, posts, engine, progress)
    finally:
        bar.close()


@task(cache_policy=NO_CACHE)
def publish_site(settings: Settings) -> RunReport:
    return pipeline.publish_site(settings)


@flow(name="intl-pub", log_prints=True)
def run_flow(
    workdir: str = ".",
    sources: list[str] | None = None,
    locales: list[str] | None = None,
    engine: str | None = None,
) -> dict[str, Any]:
    """Pull, translate into every locale, publish; fail with a summary if any part failed."""
    return _run(workdir, sources, locales, engine, publish=True)


@flow(name="intl-pub-translate", log_prints=True)
def translate_flow(
    workdir: str = ".",
    sources: list[str] | None = None,
    locales: list[str] | None = None,
    engine: str | None = None,
) -> dict[str, Any]:
    """Pull the sources and bring every catalog up to date (no publishing)."""
    return _run(workdir, sources, locales, engine, publish=False)


@flow(name="intl-pub-publish", log_prints=True)
def publish_flow(
    workdir: str = ".",
    locales: list[str] | None = None,
    gate: Literal["none", "threshold", "approval"] = "none",
    min_reviewed: float = 0.0,
    approval_timeout_hours: float = 24.0,
) -> dict[str, Any]:
    """Publish the site, optionally behind a review gate.

    ``threshold``: publish only when every locale has at least ``min_reviewed``
    of its units reviewed (otherwise the run ends, nothing published, and says
    how far review is). ``approval``: pause until someone resumes the run in the
    Prefect UI (or the timeout passes, which fails the run).
    """
    logger = get_run_logger()
    settings = _settings(workdir, locales, None)
    if gate == "threshold":
        short = _below_threshold(settings, min_reviewed)
        if short:
            logger.info("not published, waiting for review: %s", "; ".join(short))
            _progress_table(settings)
            return {"published": False, "waiting_for_review": short}
    if gate == "approval":
        _progress_table(settings)
        logger.info("waiting for approval: resume this flow run in the Prefect UI to publish")
        pause_flow_run(timeout=int(approval_timeout_hours * 3600))
    report = RunReport()
    with pipeline.locked(settings):
        report.merge(publish_site(settings))
    return {"published": True, **_finish(settings, report)}


def with_task_runner(chosen: Flow[Any, Any], runner: str | None) -> Flow[Any, Any]:
    """``threads`` (default), ``dask`` (a local Dask cluster) or ``dask://HOST:PORT`` / ``tcp://...``."""
    if not runner or runner == "threads":
        return chosen
    from prefect_dask import DaskTaskRunner

    if runner == "dask":
        return chosen.with_options(
            task_runner=DaskTaskRunner(
                cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True}
            )
        )
    address = runner.replace("dask://", "tcp://", 1)
    if not address.startswith(("tcp://", "tls://")):
        raise IntlPubError(f"task runner {runner!r}: use threads, dask, or dask://HOST:PORT")
    return chosen.with_options(task_runner=DaskTaskRunner(address=address))


def serve_deployments(settings: Settings, translate_cron: str, publish_cron: str) -> None:
    """Serve pull+translate and publish on their schedules from this process (no work pool)."""
    from prefect import serve

    common = {"workdir": str(settings.workdir), "locales": [loc.tag for loc in settings.locales]}
    serve(
        translate_flow.to_deployment(
            name="pull-translate",
            cron=translate_cron,
            parameters={**common, "engine": settings.engine},
        ),
        publish_flow.to_deployment(name="publish", cron=publish_cron, parameters=common),
    )


# --- helpers --------------------------------------------------------------------------


def _run(
    workdir: str,
    sources: Sequence[str] | None,
    locales: list[str] | None,
    engine: str | None,
    publish: bool,
) -> dict[str, Any]:
    settings = _settings(workdir, locales, engine)
    get_engine(settings.engine).check(settings.locales)  # before anything is written
    report = RunReport()
    with pipeline.locked(settings):
        _translate(settings, sources, report)
        if publish:
            report.merge(publish_site(settings))
    return _finish(settings, report)


def _translate(settings: Settings, sources: Sequence[str] | None, report: RunReport) -> None:
    report.merge(pull_posts(settings, sources))
    report.merge(extract_templates(settings))
    futures = translate_locale.map(settings, settings.locales)
    for future in futures:
        future.wait()
        state = future.state
        if state.is_failed():
            report.failures.append(f"translation [{future.state.message}]")
            continue
        if future.state.name == "Cached":
            continue  # nothing changed since the cached run: no work was done
        report.merge(future.result())


def _settings(workdir: str, locales: list[str] | None, engine: str | None) -> Settings:
    settings = load_settings(workdir)
    if locales:
        settings = replace(settings, locales=parse_locales(locales))
    if engine:
        settings = replace(settings, engine=engine)
    return settings


def _finish(settings: Settings, report: RunReport) -> dict[str, Any]:
    logger = get_run_logger()
    _progress_table(settings)
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
        raise IntlPubError("failed: " + "; ".join(report.failures))
    return summary


def _progress_table(settings: Settings) -> None:
    rows = pipeline.status(settings)
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
        description="Review progress per locale and post",
    )


def _below_threshold(settings: Settings, minimum: float) -> list[str]:
    short = []
    status = pipeline.status(settings)
    for locale in settings.locales:
        rows = [r for r in status if r.locale == locale.tag]
        total = sum(r.stats.total for r in rows)
        share = sum(r.stats.reviewed for r in rows) / total if total else 1.0
        if share < minimum:
            short.append(f"{locale.tag} {share:.0%} reviewed (needs {minimum:.0%})")
    return short


class _ConsoleBar:
    """A progress bar on the terminal when there is one; Prefect's artifact otherwise."""

    def __init__(self, label: str) -> None:
        self.progress = None
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.progress = Progress(transient=False)
            self.task = self.progress.add_task(label, total=None)
            self.progress.start()

    def update(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
