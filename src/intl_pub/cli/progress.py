"""Progress of machine translation, for a person: one display on a terminal, lines in a log.

On a terminal every locale is a row of one rich display, and log lines are
printed above it (never glued onto a bar). Without a terminal (cron, CI, a
Prefect worker) a plain log line says how far each locale is, every 10 % or
every 10 seconds, whichever comes first.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from intl_pub.core.model import Locale

log = logging.getLogger(__name__)

STEP_SHARE = 0.10
STEP_SECONDS = 10.0


class ProgressDisplay:
    """Call with (locale, done, total); use as a context manager around the work."""

    def __init__(self, terminal: bool | None = None) -> None:
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self._lock = threading.Lock()
        self._rich: Any = None
        self._tasks: dict[str, Any] = {}
        self._last: dict[str, tuple[float, float]] = {}
        self._handlers: list[tuple[logging.Handler, Any]] = []

    def __enter__(self) -> ProgressDisplay:
        if self.terminal:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(stderr=True)
            self._rich = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=False,
            )
            self._rich.start()
            # Log records go through the display's console, above the bars.
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler):
                    self._handlers.append((handler, handler.stream))
                    handler.setStream(_ConsoleStream(console))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._rich is not None:
            self._rich.stop()
        for handler, stream in self._handlers:
            handler.setStream(stream)

    def __call__(self, locale: Locale, done: int, total: int) -> None:
        with self._lock:
            if self._rich is not None:
                task = self._tasks.get(locale.tag)
                if task is None:
                    task = self._rich.add_task(f"Translating into {locale.tag}", total=total)
                    self._tasks[locale.tag] = task
                self._rich.update(task, completed=done, total=total)
                return
            now = time.monotonic()
            share = done / total if total else 1.0
            last_share, last_time = self._last.get(locale.tag, (-1.0, 0.0))
            if share >= 1.0 or share - last_share >= STEP_SHARE or now - last_time >= STEP_SECONDS:
                if share != last_share:
                    log.info(
                        "translating into %s: %d of %d units (%.0f%%)",
                        locale.tag,
                        done,
                        total,
                        100 * share,
                    )
                    self._last[locale.tag] = (share, now)


class _ConsoleStream:
    """A file-like stream that prints through a rich console (so bars stay whole)."""

    def __init__(self, console: Any) -> None:
        self.console = console

    def write(self, text: str) -> int:
        if text.strip():
            self.console.print(text.rstrip("\n"), markup=False, highlight=False)
        return len(text)

    def flush(self) -> None:
        return None
