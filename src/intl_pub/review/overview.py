"""``intl-pub status``: one row per locale and catalog, as a table or as JSON.

The counts come from two readers: :func:`intl_pub.review.status.status`
(entries reviewed / machine / untranslated, QA errors) and
:func:`intl_pub.review.triage.progress` (held back by the risk gate, stale
reviews). This module joins them, totals them per locale and renders them:
JSON for scripts, and rows of text for a terminal or a log.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from intl_pub.core.config import Settings
from intl_pub.review import status, triage
from intl_pub.workdir.store import UI_CATALOG

COUNTS = ("reviewed", "machine", "untranslated", "held_back", "stale", "qa_errors")
"""What each row counts, in entries (translatable units), in the order shown."""


@dataclass(frozen=True)
class Row:
    """Review progress of one catalog: a post, or the site's interface words (``site``)."""

    locale: str
    post: str
    reviewed: int
    machine: int
    """Unreviewed translation (machine translation, or a suggestion): fuzzy entries."""
    untranslated: int
    held_back: int
    """Risky and unreviewed: published in English (0 for the interface words: no gate)."""
    stale: int
    """Reviews whose English changed since: withdrawn until reviewed again."""
    qa_errors: int
    error: str = ""
    """Why the catalog could not be read ("" when it could)."""

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.untranslated


def rows(settings: Settings) -> list[Row]:
    """Every locale's catalogs in settings order: its posts, then its interface words."""
    progress = {(p.locale, p.post): p for p in triage.progress(settings)}
    found = []
    for row in status.status(settings, interface=True):
        shown = progress.get((row.locale, row.slug))
        found.append(
            Row(
                locale=row.locale,
                post=row.slug,
                reviewed=row.stats.reviewed,
                machine=row.stats.machine,
                untranslated=row.stats.untranslated,
                held_back=shown.held_back if shown else 0,
                stale=shown.stale if shown else 0,
                qa_errors=row.qa_errors,
                error=row.error,
            )
        )
    return found


def totals(found: Sequence[Row], locale: str) -> Row:
    """The locale's row for all its catalogs."""
    mine = [r for r in found if r.locale == locale]
    sums = {name: sum(getattr(r, name) for r in mine) for name in COUNTS}
    return Row(locale=locale, post="", **sums)


def as_json(found: Sequence[Row], locales: Sequence[str]) -> str:
    """``status --json``: per locale its totals and its catalogs (``post``: a slug, or
    ``site`` for the interface words), each with its counts, ``total`` and ``error``."""
    out = []
    for tag in locales:
        total = totals(found, tag)
        out.append(
            {
                "locale": tag,
                **{name: getattr(total, name) for name in COUNTS},
                "total": total.total,
                "posts": [
                    {**asdict(r), "total": r.total, "interface": r.post == UI_CATALOG}
                    for r in found
                    if r.locale == tag
                ],
            }
        )
    return json.dumps({"locales": out}, ensure_ascii=False, indent=2)


HEADERS = ("locale", "post", "reviewed", "machine (fuzzy)", "untranslated", "held back",
           "stale", "QA errors")


def table(found: Sequence[Row], locales: Sequence[str]) -> list[list[list[str]]]:
    """The table's sections (one per locale: its catalogs, then ``all``) as cells of text."""
    sections = []
    for tag in locales:
        lines = [_cells(r) for r in found if r.locale == tag]
        lines.append(_cells(totals(found, tag), "all"))
        sections.append(lines)
    return sections


def plain(found: Sequence[Row], locales: Sequence[str]) -> str:
    """The table as aligned text, for a log or a pipe: no box, no width to be cut at."""
    lines = [list(HEADERS)] + [line for section in table(found, locales) for line in section]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(HEADERS))]
    text = []
    for line in lines:
        cells = []
        for i, (cell, width) in enumerate(zip(line, widths, strict=True)):
            pad = " " * (width - _width(cell))
            cells.append(cell + pad if i < 2 else pad + cell)  # names left, counts right
        text.append("  ".join(cells).rstrip())
    return "\n".join(text)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cells(row: Row, post: str = "") -> list[str]:
    def share(n: int) -> str:
        return f"{n} ({100 * n / row.total:.0f}%)" if row.total else "0"

    return [
        row.locale,
        post or row.post,
        share(row.reviewed),
        share(row.machine),
        share(row.untranslated),
        str(row.held_back),
        str(row.stale),
        "unreadable" if row.error else str(row.qa_errors),
    ]
