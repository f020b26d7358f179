"""The ``intl-pub`` argument parser: every command, its options and its handler."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable

from intl_pub import __version__
from intl_pub.cli import commands as cmd

Subparsers = argparse._SubParsersAction  # (argparse's own name for what add_subparsers returns)


def build(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser (``run`` and ``serve-flows`` come from the flows' entry point).

    ``command``: the one asked for. When it is one of ours, the plugins' entry
    points are not looked up (scanning every installed package's metadata costs
    ~50 ms, a quarter of an unchanged ``publish``).
    """
    parser = argparse.ArgumentParser(
        prog="intl-pub",
        description="Publish an English blog in Spanish, Chinese and Russian, "
        "with machine translation and human review in gettext catalogs.",
    )
    parser.add_argument("--version", action="version", version=f"intl-pub {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="only warnings and errors",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _init_command(commands, common)
    _work_commands(commands, common)
    _models_commands(commands, common)
    if command not in commands.choices:  # (also: no command, or --help)
        pipeline_command = functools.partial(_pipeline_command, commands, common)
        # `run` and `serve-flows` come from intl_pub_flows (Prefect), registered as an
        # entry point: nothing under src/ imports Prefect.
        import importlib.metadata

        for entry in importlib.metadata.entry_points(group="intl_pub.commands"):
            entry.load()(pipeline_command)
    return parser


def _pipeline_command(
    commands: Subparsers,
    common: argparse.ArgumentParser,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    text: str,
    sources: bool = True,
    engine: bool = True,
) -> argparse.ArgumentParser:
    """A command over a work folder: --workdir, --locales, and --source, --engine if asked."""
    sub = commands.add_parser(name, help=text, description=text, parents=[common])
    sub.add_argument(
        "--workdir",
        default=".",
        metavar="DIR",
        help="folder holding content/, translations/, site/ and intl-pub.toml "
        "(default: the current folder)",
    )
    if sources:
        sub.add_argument(
            "--source",
            action="append",
            metavar="URL_OR_PATH",
            help="feed URL or file, post URL, or folder of HTML files "
            "(repeatable; default: sources in intl-pub.toml)",
        )
    if engine:
        sub.add_argument(
            "--engine",
            choices=["argos", "pseudo"],
            help="machine-translation engine (default: from intl-pub.toml, argos)",
        )
    sub.add_argument(
        "--locales", metavar="LIST", help="comma-separated target locales, e.g. es,zh-Hans,ru"
    )
    sub.set_defaults(handler=handler)
    return sub


def _init_command(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """``init [DIR] --source URL``: a work folder for one's own blog."""
    text = "create a work folder: intl-pub.toml, content/, translations/ with the interface words"
    init = commands.add_parser("init", help=text, description=text, parents=[common])
    init.add_argument("folder", nargs="?", default=".", metavar="DIR",
                      help="the work folder to create (default: the current folder)")
    init.add_argument("--source", action="append", default=[], metavar="URL_OR_PATH",
                      help="your blog's feed URL (or a post URL, a feed file, a folder of "
                      "HTML files); repeatable")
    init.add_argument("--title", default="Blog", help="the blog's name (default: Blog)")
    init.add_argument("--base-url", default="http://localhost:8000/", metavar="URL",
                      help="where site/ will be served from (default: http://localhost:8000/)")
    init.add_argument("--locales", default="es,zh-Hans,ru", metavar="LIST",
                      help="comma-separated target languages (default: es,zh-Hans,ru)")
    init.add_argument("--engine", choices=["argos", "pseudo"], default="argos",
                      help="machine translation: argos (models needed) or pseudo (none)")
    init.set_defaults(handler=cmd.cmd_init)


def _work_commands(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """The commands that work on a work folder (the plugins add ``run`` and ``serve-flows``)."""

    pipeline_command = functools.partial(_pipeline_command, commands, common)
    pipeline_command("pull", cmd.cmd_pull, "fetch the sources into content/", engine=False)
    pipeline_command(
        "translate", cmd.cmd_translate, "update the catalogs and machine-translate new units"
    )
    pipeline_command(
        "publish",
        cmd.cmd_publish,
        "build site/ from content/ and the catalogs",
        sources=False,
        engine=False,
    )
    status = pipeline_command(
        "status", cmd.cmd_status, "review progress per locale and post", sources=False, engine=False
    )
    status.add_argument(
        "--html", metavar="FILE", help="also write a self-contained page for the team "
        "(never deployed: refused inside site/)"
    )
    status.add_argument(
        "--json", action="store_true", help="print per locale and catalog: reviewed, machine, "
        "untranslated, held back, stale, QA errors, as JSON"
    )
    check = pipeline_command(
        "check",
        cmd.cmd_check,
        "QA checks over the catalogs (exit 1 on errors)",
        sources=False,
        engine=False,
    )
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    _review_commands(pipeline_command)


def _review_commands(pipeline_command: Callable[..., argparse.ArgumentParser]) -> None:
    """What reviewers use: the queue, an edit's impact, a preview of the site."""
    queue = pipeline_command(
        "queue",
        cmd.cmd_queue,
        "entries awaiting review, most urgent first (risk, changed English, low confidence)",
        sources=False,
        engine=False,
    )
    queue.add_argument("--locale", metavar="L", help="only this locale (e.g. zh-Hans)")
    queue.add_argument("--limit", type=int, metavar="N", help="at most N entries")
    queue.add_argument("--json", action="store_true", help="print the queue as JSON")
    impact = pipeline_command(
        "impact",
        cmd.cmd_impact,
        "reviews an English edit in content/ makes stale (run it after a pull)",
        sources=False,
        engine=False,
    )
    impact.add_argument("--json", action="store_true", help="print the impact as JSON")
    serve = pipeline_command(
        "serve", cmd.cmd_serve, "preview site/ on localhost", sources=False, engine=False
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)


def _models_commands(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """``models list`` and ``models install``."""
    models = commands.add_parser(
        "models",
        help="list or install Argos translation models",
        description="list or install Argos translation models",
    )
    which = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = which.add_parser(
        "list", help="installed models", description="installed models", parents=[common]
    )
    listing.set_defaults(handler=cmd.cmd_models_list)
    install = which.add_parser(
        "install",
        parents=[common],
        help="install models from the Argos index, or from files",
        description="Without PATH: download en→es, en→zh, en→ru from the Argos package index. "
        "With PATH: install .argosmodel files, or every .argosmodel file in a folder (offline).",
    )
    install.add_argument("paths", nargs="*", metavar="PATH")
    install.add_argument("--locales", metavar="LIST", help="only these locales (index only)")
    install.set_defaults(handler=cmd.cmd_models_install)
