"""The whole pipeline as one Prefect flow: pull -> extract -> translate (per locale) -> publish.

Tasks are coarse (one per step, one per locale: a Prefect task costs ~20 ms
on the thread pool) and only wire arguments, retries and artifacts; the work
is in intl_pub.pipeline. Retries are on the network (pull) and the engine
(translate) only. A failed post or locale is reported and the others go on;
the flow then fails with a summary that names each failure.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE

from intl_pub import pipeline
from intl_pub.config import Settings, load_settings, parse_locales
from intl_pub.errors import IntlPubError
from intl_pub.model import Locale, RunReport
from intl_pub.mt import get_engine


@task(retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def pull_posts(settings: Settings, sources: Sequence[str] | None) -> RunReport:
    return pipeline.pull(settings, sources)


@task(cache_policy=NO_CACHE)
def extract_templates(settings: Settings) -> RunReport:
    report = RunReport()
    for post in pipeline.stored_posts(settings):
        report.merge(pipeline.extract(settings, post)[1])
    return report


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
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
) -> dict[str, object]:
    """Pull, translate into every locale, publish; fail with a summary if any part failed."""
    logger = get_run_logger()
    settings = _settings(workdir, locales, engine)
    get_engine(settings.engine).check(settings.locales)  # before anything is written
    report = RunReport()
    with pipeline.locked(settings):
        report.merge(pull_posts(settings, sources))
        report.merge(extract_templates(settings))
        futures = translate_locale.map(settings, settings.locales)
        for future in futures:
            report.merge(future.result())
        report.merge(publish_site(settings))
    _artifacts(settings, report)
    summary = {
        "written": len(report.written),
        "engine_calls": report.engine_calls,
        "failures": report.failures,
    }
    logger.info("wrote %d files, %d engine calls", len(report.written), report.engine_calls)
    if report.failures:
        raise IntlPubError("failed: " + "; ".join(report.failures))
    return summary


def _settings(workdir: str, locales: list[str] | None, engine: str | None) -> Settings:
    settings = load_settings(workdir)
    if locales:
        settings = replace(settings, locales=parse_locales(locales))
    if engine:
        settings = replace(settings, engine=engine)
    return settings


def _artifacts(settings: Settings, report: RunReport) -> None:
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
            }
            for r in rows
        ],
        description="Review progress per locale and post",
    )
    pages = [w for w in report.written if w.endswith("/index.html")]
    lines = [f"- [{p}]({settings.base_url}{p.removeprefix('site/')})" for p in pages] or ["(none)"]
    create_markdown_artifact(
        key="changed-pages", markdown="## Changed pages\n\n" + "\n".join(lines)
    )


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
