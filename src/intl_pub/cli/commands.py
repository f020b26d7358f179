"""The bodies of the ``intl-pub`` commands: read the arguments, call a stage, print."""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from intl_pub.cli.progress import ProgressDisplay
from intl_pub.core.config import Settings, load_settings
from intl_pub.core.errors import IntlPubError
from intl_pub.core.locales import DEFAULT_TARGETS, parse_locales
from intl_pub.core.model import RunReport

log = logging.getLogger("intl_pub")


def cmd_init(args: argparse.Namespace) -> int:
    """A new work folder, and the commands that come next."""
    from intl_pub.pipeline.init import init_workdir

    created = init_workdir(
        Path(args.folder), args.source, args.title, args.base_url, args.locales, args.engine
    )
    settings = created.settings
    print(f"created {settings.workdir}:")
    for name in created.written:
        print(f"  {name}")
    others = [loc.tag for loc in settings.locales if loc.tag not in created.shipped]
    if others:
        print(f"interface words for {', '.join(others)}: machine-translated by the first "
              "`intl-pub translate`, then yours to review in translations/<l>/site.po")
    print("next:")
    for line in _next_steps(args, settings):
        print(f"  {line}")
    return 0


def _next_steps(args: argparse.Namespace, settings: Settings) -> list[str]:
    here = Path(args.folder).resolve() == Path.cwd().resolve()
    steps = [] if here else [f"cd {args.folder}"]
    if not settings.sources:
        steps.append("# add your feed to [pipeline] sources in intl-pub.toml, then:")
    if settings.engine == "argos":
        tags = ",".join(loc.tag for loc in settings.locales)
        which = "" if tags == ",".join(DEFAULT_TARGETS) else f" --locales {tags}"
        steps.append(f"intl-pub models install{which}   # the Argos models (or: --engine pseudo)")
    return [
        *steps,
        "intl-pub translate   # pull the posts, machine-translate them into translations/",
        "intl-pub status      # what awaits review; review in Poedit, Weblate or an editor",
        "intl-pub publish     # build site/",
        "intl-pub serve       # preview it at http://127.0.0.1:8000/",
    ]


def cmd_pull(args: argparse.Namespace) -> int:
    from intl_pub import pipeline

    report = pipeline.run(settings_from_args(args), args.source, translate=False, publish=False)
    return _finish(report)


def cmd_translate(args: argparse.Namespace) -> int:
    """Pull, extract and translate: the translate flow's steps, without Prefect."""
    from intl_pub import pipeline

    settings = settings_from_args(args)
    with ProgressDisplay() as progress:
        report = pipeline.run(settings, args.source, progress, publish=False)
    return _finish(report)


def cmd_publish(args: argparse.Namespace) -> int:
    from intl_pub import pipeline

    settings = settings_from_args(args)
    report = pipeline.run(settings, pull=False, translate=False)
    print(f"site: {settings.site_dir}")
    return _finish(report)


def cmd_status(args: argparse.Namespace) -> int:
    """Review progress per locale and catalog: a table (plain text when not on a terminal,
    so a log keeps every column), or JSON."""
    from intl_pub.review import overview

    settings = settings_from_args(args)
    found = overview.rows(settings)
    locales = [loc.tag for loc in settings.locales]
    if args.json:
        print(overview.as_json(found, locales))
    elif not found:
        print("no posts yet: run `intl-pub pull` first")
        return 0
    elif sys.stdout.isatty():
        _print_rich_table(overview.HEADERS, overview.table(found, locales))
    else:
        print(overview.plain(found, locales))
    if args.html:
        _write_status_page(settings, Path(args.html))
    broken = [row.error for row in found if row.error]
    for error in broken:
        print(f"error: {error}", file=sys.stderr)
    return 1 if broken else 0


def _print_rich_table(headers: Sequence[str], sections: Sequence[Sequence[list[str]]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Review progress")
    for column in headers:
        table.add_column(column, justify="left" if column in {"locale", "post"} else "right")
    for section in sections:
        for number, cells in enumerate(section, 1):
            table.add_row(*cells, end_section=number == len(section))
    Console().print(table)


def cmd_check(args: argparse.Namespace) -> int:
    from intl_pub.qa import checks
    from intl_pub.review import status

    findings = status.check(settings_from_args(args))
    errors = sum(1 for f in findings if f.severity == checks.ERROR)
    warnings = sum(1 for f in findings if f.severity == checks.WARNING)
    if args.json:
        print(checks.problems_as_json(status.as_check_findings(findings, Path.cwd())))
        return 1 if errors else 0
    for finding in findings:
        shown = Path(os.path.relpath(finding.file, Path.cwd()))
        where = f"{shown}:{finding.line}" if finding.line else str(finding.message)
        if finding.check == "catalog":
            print(finding.message)
        else:
            print(f"{where}: {finding.severity}: [{finding.check}] {finding.message}")
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def cmd_queue(args: argparse.Namespace) -> int:
    """The entries awaiting review, most urgent first, as ``file:line`` an editor jumps to."""
    from intl_pub.core.locales import locale as locale_for
    from intl_pub.review import queue as review_queue
    from intl_pub.review import triage

    settings = settings_from_args(args)
    wanted = locale_for(args.locale).tag if args.locale else None
    items = triage.queue(settings, wanted, args.limit)
    if args.json:
        print(review_queue.as_json(items))
        return 0
    if not items:
        print("nothing awaits review")
        return 0
    for item in items:  # file:line: first, as compilers print it: editors jump there
        why = ", ".join(item.reasons) or "machine translation"
        english = review_queue.as_rows([item], width=90)[0][5]
        print(f"{item.where}: priority {item.priority} [{why}] {item.entry.locale} "
              f"{item.entry.post}: {english}")
        if item.diff:
            print(f"    changed since review: {item.diff}")
    return 0


def cmd_impact(args: argparse.Namespace) -> int:
    """What the English in content/ makes stale, before anything is translated or published."""
    from intl_pub.review import triage

    found = triage.impact(settings_from_args(args))
    if args.json:
        print(triage.impact_as_json(found))
        return 0
    for item in found:
        print(f"{item.locale}: {len(item.stale)} reviewed unit(s) stale, "
              f"{item.words} word(s) to review again")
        for unit in item.stale:
            risky = f" [{', '.join(unit.risk)}]" if unit.risk else ""
            print(f"  {unit.file}:{unit.line}{risky}\n    {unit.diff}")
        for drop in item.below_threshold:
            what = "not published" if drop.kind == "publish" else "noindex"
            print(f"  {drop.post}: {drop.before:.0%} -> {drop.after:.0%} reviewed, below the "
                  f"{drop.kind} threshold {drop.threshold:.0%} ({what})")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from intl_pub.mt import argos

    found = argos.installed()
    if not found:
        print("no Argos models installed; " + argos.INSTALL_HINT)
    for pair, version, path in found:
        print(f"{pair}\t{version}\t{path}")
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from intl_pub.mt import argos

    if args.paths:
        done = argos.install_files([Path(p) for p in args.paths])
    else:
        locales = parse_locales(args.locales) if args.locales else parse_locales(DEFAULT_TARGETS)
        with _progress_bar() as bar:
            bars: dict[str, Callable[[int, int], None]] = {}

            def progress(name: str, done: int, total: int) -> None:
                if name not in bars:
                    bars[name] = bar(f"Downloading {name}")
                bars[name](done, total)

            done = argos.install_from_index(locales, progress)
    for line in done or ["every requested model is already installed"]:
        print(f"installed: {line}" if done else line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if not settings.site_dir.is_dir():
        raise IntlPubError(f"{settings.site_dir} does not exist; run `intl-pub publish` first")
    import http.server

    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(settings.site_dir)
    )
    server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    print(f"serving {settings.site_dir} at http://{args.host}:{args.port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings of the work folder, with the command's --locales and --engine applied."""
    settings = load_settings(args.workdir)
    if getattr(args, "locales", None):
        settings = replace(settings, locales=parse_locales(args.locales))
    if getattr(args, "engine", None):
        settings = replace(settings, engine=args.engine)
    return settings


def _write_status_page(settings: Settings, target: Path) -> None:
    """``status --html FILE``: the team's page, never inside site/ (it is not for readers)."""
    from intl_pub.core.files import build_time, write_atomic
    from intl_pub.review import status_page, triage

    target = target.resolve()
    if target.is_relative_to(settings.site_dir.resolve()):
        raise IntlPubError(
            f"{target} is inside site/, which is deployed to readers; write the status page "
            "elsewhere (e.g. --html review-status.html)"
        )
    page = status_page.render(
        triage.progress(settings), triage.queue(settings), generated=build_time(),
        title=f"Translation review · {settings.site_title}",
    )
    write_atomic(target, page.encode("utf-8"))
    print(f"status page: {target}")


def _finish(report: RunReport) -> int:
    for name in report.written:
        log.info("wrote %s", name)
    for failure in report.failures:
        print(f"error: {failure}", file=sys.stderr)
    return 0 if report.ok else 1


class _progress_bar:
    """Rich progress bars on a terminal; nothing when output is redirected."""

    def __enter__(self) -> Callable[[str], Callable[[int, int], None]]:
        self.progress = None
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.progress = Progress()
            self.progress.start()

        def new_bar(label: str) -> Callable[[int, int], None]:
            if self.progress is None:
                return lambda done, total: None
            task = self.progress.add_task(label, total=None)
            return lambda done, total: self.progress.update(task, completed=done, total=total)

        return new_bar

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
