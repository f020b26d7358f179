"""What an operator reads: one line per step, one line per expected failure.

Prefect logs "Finished in state Completed()" for every task and, for a task
that returns a Failed state, an ERROR record with ``exc_info=True`` outside any
``except`` block: the console then shows "NoneType: None" under it. The step
line says what the step did; :class:`NoEmptyTraceback` drops the empty
traceback (a real one, from an unexpected exception, is kept).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from intl_pub.core.model import RunReport

KINDS = (
    ("content/", ".html", "post", "posts"),
    ("translations/templates/", ".pot", "template", "templates"),
    ("translations/", ".po", "catalog", "catalogs"),
    ("translations/", ".json", "machine suggestion file", "machine suggestion files"),
    ("site/", "/index.html", "page", "pages"),
    ("site/", "", "other site file", "other site files"),
)
"""What a written file is, by where it is (first match): (folder, ending, one, many)."""


def step_line(report: RunReport) -> str:
    """``4 catalogs written, 1 engine call, 1 failed``: what one step did."""
    parts = _written_counts(report.written)
    if report.engine_calls:
        parts.append(_plural(report.engine_calls, "engine call", "engine calls"))
    if report.failures:
        parts.append(f"{len(report.failures)} failed")
    return ", ".join(parts) if parts else "nothing changed"


def _written_counts(written: Iterable[str]) -> list[str]:
    counts = {many: 0 for _, _, _, many in KINDS}
    singular = {many: one for _, _, one, many in KINDS}
    other = 0
    for name in written:
        kind = next(
            (many for at, end, _, many in KINDS if name.startswith(at) and name.endswith(end)), None
        )
        if kind is None:
            other += 1
        else:
            counts[kind] += 1
    shown = [_plural(n, singular[kind], kind) for kind, n in counts.items() if n]
    if other:
        shown.append(_plural(other, "other file", "other files"))
    if not shown:
        return []
    return [", ".join(shown) + " written"]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class NoEmptyTraceback(logging.Filter):
    """Drop a record's traceback when there is none (``exc_info=True`` outside ``except``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is not None and record.exc_info[0] is None:
            record.exc_info = None
        return True


RUN_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


def quiet_expected_failures() -> None:
    """Install :class:`NoEmptyTraceback` on Prefect's run loggers (once per process)."""
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoEmptyTraceback) for f in logger.filters):
            logger.addFilter(NoEmptyTraceback())


class RunFormatter(logging.Formatter):
    """``INFO pull: Finished in state Completed()``: a run's records name their task (or
    flow), not Prefect's logger, on the command line of ``intl-pub run``."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(where)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.where = getattr(record, "task_run_name", None) or getattr(
            record, "flow_name", None
        ) or record.name
        return super().format(record)
