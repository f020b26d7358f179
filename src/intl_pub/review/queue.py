"""The review queue: what a translator should look at first, and what changed since review.

Pure: the pipeline gathers one :class:`Pending` record per catalog entry that
awaits review (machine-translated, or a review whose English has changed);
:func:`build` orders them most urgent first and says why. The order is the
one a hospital's communications team asks for:

1. a machine translation that fails verification against the English
   (:mod:`intl_pub.qa.verify`: a number, unit, date, phone number, negation or
   name is not there in the locale's form; reasons ``verify:<kind>``): readers
   see that passage in English until it is reviewed;
2. risk (:mod:`intl_pub.qa.risk`: a dose, a negation, a phone number, ...);
3. a reviewed translation whose English changed since (``stale-review``);
4. a machine translation the engine was unsure of (``low-confidence``);
5. newer posts before older ones.

``priority`` is ``8 × unverified + 4 × risky + 2 × stale + 1 × low confidence``
(0–15, higher is more urgent); entries of equal priority come newest post
first, then with more risk reasons, then lower confidence, then by file and
line. An engine that reports no confidence (``pseudo``) never makes an entry
low-confidence.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from intl_pub.core.errors import ConfigError
from intl_pub.qa import risk
from intl_pub.qa.verify import Failure

STALE_REVIEW = "stale-review"
LOW_CONFIDENCE = "low-confidence"
UNVERIFIED = "verify:"
"""Prefix of a verification failure's reason: ``verify:number``, ``verify:negation``..."""
DEFAULT_LOW_CONFIDENCE = 0.5

COLUMNS = ("priority", "reasons", "where", "locale", "post", "English", "changed")
"""The column names of :func:`as_rows` (a table in the terminal or a Prefect artifact)."""


@dataclass(frozen=True)
class Pending:
    """One catalog entry awaiting review, as the pipeline gathers it."""

    locale: str
    """BCP 47 tag of the catalog's language (``zh-Hans``)."""
    post: str
    """The post's slug."""
    published: date | datetime
    """When the post was published (newer posts come first among equals)."""
    file: str
    """The catalog, as the user should open it (relative to the work folder)."""
    line: int
    """The entry's line in the catalog, so an editor jumps there (``file:line``)."""
    msgid: str
    """Today's English."""
    risk: frozenset[str] = frozenset()
    """:func:`intl_pub.risk.classify` of the msgid."""
    stale: bool = False
    """A reviewed translation whose English has changed since the review."""
    reviewed_english: str = ""
    """For a stale review: the English the translator reviewed (``#|`` previous msgid)."""
    confidence: float | None = None
    """The engine's confidence in its translation (0–1), None when it reported none."""
    failures: tuple[Failure, ...] = ()
    """What verification against the English found wrong with the machine translation."""


@dataclass(frozen=True)
class QueueItem:
    """A pending entry with its place in the queue."""

    entry: Pending
    priority: int
    """0–15, higher is more urgent (see the module's docstring)."""
    reasons: tuple[str, ...]
    """Verification failures (``verify:<kind>``), risk reasons in
    :data:`intl_pub.qa.risk.REASONS` order, then ``stale-review``, then ``low-confidence``."""
    diff: str = ""
    """For a stale review: :func:`word_diff` of the reviewed English and today's."""

    @property
    def where(self) -> str:
        """``file:line``, what editors and terminals turn into a jump."""
        return f"{self.entry.file}:{self.entry.line}"


@dataclass(frozen=True)
class QueueSettings:
    """How the queue decides; ``low_confidence`` is the threshold below which MT is doubted."""

    low_confidence: float = DEFAULT_LOW_CONFIDENCE

    def __post_init__(self) -> None:
        value = self.low_confidence
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(
                f"low_confidence must be a number from 0 to 1 (e.g. 0.5), not {value!r}"
            )


def build(
    entries: Iterable[Pending],
    settings: QueueSettings | None = None,
    *,
    locale: str | None = None,
    limit: int | None = None,
) -> list[QueueItem]:
    """The queue, most urgent first; only ``locale``'s entries if given; at most ``limit``."""
    settings = settings or QueueSettings()
    items = [_item(e, settings) for e in entries if locale is None or e.locale == locale]
    items.sort(key=_order)
    return items if limit is None else items[: max(limit, 0)]


def _item(entry: Pending, settings: QueueSettings) -> QueueItem:
    low = entry.confidence is not None and entry.confidence < settings.low_confidence
    reasons = list(dict.fromkeys(UNVERIFIED + f.kind for f in entry.failures))
    reasons += risk.ordered(entry.risk)
    reasons += [STALE_REVIEW] if entry.stale else []
    reasons += [LOW_CONFIDENCE] if low else []
    priority = 8 * bool(entry.failures) + 4 * bool(entry.risk) + 2 * entry.stale + low
    diff = word_diff(entry.reviewed_english, entry.msgid) if entry.stale else ""
    return QueueItem(entry, priority, tuple(reasons), diff)


def _order(item: QueueItem) -> tuple:
    e = item.entry
    stamp = _timestamp(e.published)
    confidence = 1.0 if e.confidence is None else e.confidence
    return (-item.priority, -stamp, -len(e.risk), confidence, e.locale, e.file, e.line)


def _timestamp(when: date | datetime) -> float:
    """Seconds since the epoch; a date or a naive time is taken as UTC."""
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


_PIECE = re.compile(r"</?\d+/?>|[^\W_]+(?:[.,'’:/-][^\W_]+)*|\S")


def word_diff(old: str, new: str) -> str:
    """Today's English with what changed since ``old``: ``[-removed-]{+added+}``.

    Word by word (``2.5``, ``don't``, ``1/2`` and the inline tokens ``<1>``,
    ``</1>``, ``<2/>`` stay whole; punctuation is a word of its own), spaced as
    the texts were. Like ``git diff --word-diff=plain``.
    """
    marks = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
    return "".join(
        space + marks[op][0] + text + marks[op][1] for op, space, text in diff_parts(old, new)
    ).strip()


def diff_parts(old: str, new: str) -> list[tuple[str, str, str]]:
    """The word difference as ``(op, space before, text)``; op is ``=``, ``-`` or ``+``.

    For renderers other than :func:`word_diff` (the status page's ``<del>``/``<ins>``).
    """
    a, b = _pieces(old), _pieces(new)
    out: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("=", b[j1][1], _join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(("-", a[i1][1], _join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", b[j1][1] if i2 == i1 else "", _join(b[j1:j2])))
    return out


def _pieces(text: str) -> list[tuple[str, str]]:
    """Each word with the whitespace before it (collapsed to one space)."""
    return [
        (m.group(0), " " if m.start() and text[m.start() - 1].isspace() else "")
        for m in _PIECE.finditer(text)
    ]


def _join(pieces: Sequence[tuple[str, str]]) -> str:
    return "".join(space + word for word, space in pieces).strip()


def as_json(items: Iterable[QueueItem]) -> str:
    """``intl-pub queue --json``: a list of objects, most urgent first."""
    return json.dumps([_as_object(i) for i in items], ensure_ascii=False, indent=2)


def _as_object(item: QueueItem) -> dict[str, object]:
    e = item.entry
    data: dict[str, object] = {
        "locale": e.locale,
        "post": e.post,
        "published": e.published.isoformat(),
        "file": e.file,
        "line": e.line,
        "msgid": e.msgid,
        "reasons": list(item.reasons),
        "priority": item.priority,
        "confidence": e.confidence,
    }
    if e.stale:
        data["reviewed_msgid"] = e.reviewed_english
        data["diff"] = item.diff
    if e.failures:
        data["failures"] = [dataclasses.asdict(f) for f in e.failures]
    return data


def as_rows(items: Iterable[QueueItem], width: int = 60) -> list[tuple[str, ...]]:
    """One row of strings per item, in :data:`COLUMNS` order; long English is cut at ``width``."""
    return [
        (
            str(i.priority),
            ", ".join(i.reasons),
            i.where,
            i.entry.locale,
            i.entry.post,
            _cut(i.entry.msgid, width),
            _cut(i.diff, width),
        )
        for i in items
    ]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
