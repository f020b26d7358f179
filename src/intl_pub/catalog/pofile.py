"""Catalog files: templates built, bytes parsed (GNU-checked), text rendered as GNU writes it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polib

from intl_pub import __version__
from intl_pub.catalog import poformat, poread
from intl_pub.catalog.entry import EARLIER_PREFIX, MT_PREFIX, WRAP, Catalog, _without
from intl_pub.catalog.formats import flags_for
from intl_pub.core.errors import CatalogError
from intl_pub.core.files import build_time, write_atomic
from intl_pub.core.model import Locale, Unit

GENERATOR = f"intl-pub {__version__}"


NOBODY = ""
"""Last-Translator until a translator's tool fills it: empty, as Poedit leaves it. GNU's
placeholder (``FULL NAME <EMAIL@ADDRESS>``) makes ``msgfmt -c`` warn; an absent field too."""


NO_TEAM = ""
"""Language-Team until a translator's tool (Weblate) fills it; empty for the same reason."""


SOURCE_LANGUAGE = "en"
"""A template's ``Language``: the language of its msgids. xgettext leaves it empty, which
``msgfmt -c`` reports; msginit, Poedit and Weblate set the translation's own."""


_CREATION_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


_DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"$', re.M)


def build_template(
    units: Iterable[Unit],
    reference: str,
    project: str,
    created: datetime | None = None,
    *,
    basepath: str = "",
    references: Sequence[str] | None = None,
) -> Catalog:
    """A POT in document order; a repeated text is one entry with several locations.

    ``POT-Creation-Date`` comes from the content, never the clock, so the same
    post gives the same bytes: ``created`` (the post's updated or published
    date) when given, else a date derived from a digest of the units.
    ``reference`` is the file every ``#:`` names (``references``: one per unit,
    when they differ; "" for a unit that comes from no file); a unit on line 0
    names the file alone. ``basepath``: where the references are, relative to
    the catalog's folder (``X-Poedit-Basepath``: Poedit opens them from there).
    """
    units = list(units)
    files = list(references) if references is not None else [reference] * len(units)
    pot = polib.POFile(wrapwidth=WRAP)
    pot.metadata = _header(project, None, _format_date(created or _content_date(units)))
    if basepath:
        pot.metadata[BASEPATH] = basepath
    by_key: dict[tuple[str, str], polib.POEntry] = {}
    for unit, where in zip(units, files, strict=True):
        key = (unit.context, unit.msgid)
        entry = by_key.get(key)
        if entry is None:
            entry = polib.POEntry(
                msgid=unit.msgid,
                msgctxt=unit.context or None,
                comment=unit.note,
                occurrences=[],
                flags=flags_for(unit.msgid),
            )
            by_key[key] = entry
            pot.append(entry)
        if where:
            entry.occurrences.append((where, str(unit.line) if unit.line else ""))
    return Catalog(pot)


def render(cat: Catalog) -> str:
    """The file's text exactly as GNU gettext writes it (``msgcat`` leaves it byte for byte).

    poformat owns GNU's wrapping; comment lines stay whole, as GNU keeps them
    (a translator's long ``#`` line stays one line).
    """
    po = cat._po
    entries = [_po_entry(e) for e in po if not e.obsolete]
    entries += [_po_entry(e) for e in po if e.obsolete]
    flags = ["fuzzy"] if po.metadata_is_fuzzy else []
    header = po.header.split("\n") if po.header else []
    return poformat.render(header, po.ordered_metadata(), entries, WRAP, flags)


def _po_entry(e: polib.POEntry) -> poformat.PoEntry:
    def lines(text: str | None) -> tuple[str, ...]:
        return tuple(text.split("\n")) if text else ()

    return poformat.PoEntry(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        msgid_plural=e.msgid_plural or None,
        msgstr_plural=tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)),
        flags=tuple(e.flags),
        translator_comments=lines(e.tcomment),
        extracted_comments=() if e.obsolete else lines(e.comment),
        references=tuple(f"{f}:{n}" if n else f for f, n in e.occurrences),
        previous_msgctxt=e.previous_msgctxt,
        previous_msgid=e.previous_msgid,
        previous_msgid_plural=e.previous_msgid_plural,
        obsolete=bool(e.obsolete),
    )


def parse(raw: bytes, where: str, lint: bool = True) -> Catalog:
    """Read a catalog from its bytes (``where`` names the file in errors).

    Anything polib or GNU gettext would reject (syntax, encoding, duplicate
    entries, a missing header) raises CatalogError naming the file and line.
    A UTF-8 byte-order mark, which GNU gettext accepts, is skipped. ``lint``
    False skips the GNU syntax check, for bytes known to be this program's own
    output (the caller compares their digest with the one it recorded).
    """
    if raw.startswith(b"\xef\xbb\xbf"):  # as an editor may save it; never written back
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"{where}:{line}: not valid UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from exc
    problem = poformat.lint(text) if lint else None
    if problem is not None:
        line, message = problem
        raise CatalogError(f"{where}:{line}: {message}; fix the file (the run left it untouched)")
    po = None if lint else poread.read(text)  # our own output: read without polib's machine
    if po is not None:
        po.wrapwidth = WRAP
    else:
        try:
            po = polib.pofile(
                _PoText(text), wrapwidth=WRAP, check_for_duplicates=False, encoding="utf-8"
            )
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{where}:{_error_line(str(exc), text)}: {exc}") from exc
    seen: set[tuple[str, str, bool]] = set()
    for e in po:
        key = (e.msgctxt or "", e.msgid, bool(e.obsolete))
        if key in seen:
            raise CatalogError(
                f"{where}:{e.linenum}: the entry {e.msgid[:40]!r} already exists earlier in "
                "the file; remove one of the two (msguniq finds them)"
            )
        seen.add(key)
    if not po.metadata.get("Content-Type"):
        raise CatalogError(
            f'{where}:1: the header entry (msgid "") is missing or has no Content-Type; '
            "restore it from translations/templates or from version control"
        )
    return Catalog(po)


def load(path: Path) -> Catalog | None:
    """Read a catalog file, or None when it does not exist (tests and tools)."""
    if not path.exists():
        return None
    return parse(path.read_bytes(), str(path))


def serialize(
    cat: Catalog, old: str | None, is_template: bool, now: datetime | None = None
) -> str | None:
    """The text to write over ``old`` (the file as it is), or None when nothing changed.

    The date header is the only thing that differs between two runs with the
    same content, so it is ignored in the comparison and set only on a change.
    A file whose entries are unchanged is left as it is, even if the
    translator's editor wrapped lines differently from us.
    """
    po = cat._po
    if is_template:  # POT-Creation-Date comes from the content (build_template)
        if old is not None and render(cat) in (old, _rerender(old)):
            return None
        return render(cat)
    name = "PO-Revision-Date"
    if old is not None:
        po.metadata[name] = _read_date(old, name) or po.metadata.get(name, "")
        new = _undated(render(cat))
        if new == _undated(old) or new == _undated(_rerender(old)):
            return None
    po.metadata[name] = _format_date(now or build_time())
    return render(cat)


def save(cat: Catalog, path: Path, now: datetime | None = None) -> bool:
    """Write a catalog file if its content changed (tests and tools; runs go through the store)."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    text = serialize(cat, old, path.suffix == ".pot", now)
    if text is None:
        return False
    write_atomic(path, text.encode("utf-8"))
    return True


BASEPATH = "X-Poedit-Basepath"
"""Where Poedit resolves the ``#:`` references from, relative to the catalog's folder."""


_LEGACY_HEADERS = frozenset(
    {"intl-pub machine translation", "none", "FULL NAME <EMAIL@ADDRESS>", "LANGUAGE <LL@li.org>"}
)
"""What earlier intl-pub wrote as Last-Translator / Language-Team: 0.1's words, then GNU's
placeholders (which ``msgfmt -c`` reports). A merge empties them; a person's name stays."""


def _header(project: str, locale: Locale | None, created: str) -> dict[str, str]:
    """The header Poedit and Weblate expect: the translator's fields left for them."""
    header = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "",
        "Last-Translator": NOBODY,
        "Language-Team": NO_TEAM,
        "Language": locale.gettext if locale is not None else "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": locale.plural_forms if locale is not None else "",
        "X-Generator": GENERATOR,
    }
    if locale is None:  # a template: every field msgfmt -c asks for, none of them a placeholder
        header["Language"] = SOURCE_LANGUAGE
        del header["Plural-Forms"]
    return header


def _content_date(units: list[Unit]) -> datetime:
    """A stable date for a post's template when no date is given: its content's digest."""
    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.context}\x04{unit.msgid}\x00".encode("utf-8", "surrogatepass"))
    minutes = int(digest.hexdigest()[:8], 16) % (20 * 365 * 24 * 60)
    return _CREATION_EPOCH + timedelta(minutes=minutes)


class _PoText(str):
    """The text of a PO file, whose lines end at LF only, as GNU gettext reads them.

    polib splits a text it is given with ``str.splitlines``, which also breaks at
    U+2028, U+2029, U+0085, VT, FF and U+001C-U+001E: a translator's line
    separator inside a msgstr cut the string in two there (and the character
    before it was lost with the "closing quote"). A CR before the LF is
    whitespace to polib, as to GNU gettext.
    """

    __slots__ = ()

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        lines = self.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [line + "\n" for line in lines] if keepends else lines


def _error_line(message: str, text: str) -> int:
    found = re.search(r"line (\d+)", message)
    if found:
        return int(found.group(1))
    dup = re.search(r'Entry "(.*)" already exists', message, re.S)
    if dup:
        needle = 'msgid "' + dup.group(1).splitlines()[0][:40]
        positions = [m.start() for m in re.finditer(re.escape(needle), text)]
        if len(positions) > 1:
            return text[: positions[1]].count("\n") + 1
    return 1


def _format_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M+0000")


def _read_date(text: str, field: str) -> str | None:
    found = re.search(rf'^"{field}: ([^"]*)\\n"$', text, re.M)
    return found.group(1) if found else None


def _rerender(text: str) -> str:
    """The file as we would write it: our wrapping, and no ``#. mt:`` on a reviewed entry.

    So a file whose only difference is a reviewed entry's old ``mt:`` note is
    left alone; the note goes the next time the file is written anyway.
    """
    try:
        po = polib.pofile(_PoText(text), wrapwidth=WRAP, encoding="utf-8")
    except (OSError, ValueError):
        return text
    for e in po:
        if "fuzzy" not in e.flags and e.comment:
            e.comment = _without(e.comment, (MT_PREFIX, EARLIER_PREFIX))
    return render(Catalog(po))


def _undated(text: str) -> str:
    return _DATE_LINE.sub("", text)
