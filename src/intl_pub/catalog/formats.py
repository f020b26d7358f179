"""Format strings in msgids: ``{date}`` placeholders, flagged as gettext tools expect.

An entry whose English holds ``{name}`` placeholders carries the
``python-brace-format`` flag, so that GNU ``msgfmt -c``, Poedit and Weblate
each report a translation that drops or renames one. Only text that is a
valid brace format with named fields is flagged: literal braces in a post
(``{"a": 1}``, a lone ``{``) are prose, and flagging them would make msgfmt
reject a faithful translation.
"""

from __future__ import annotations

import re
import string

BRACE_FLAG = "python-brace-format"
PERCENT_FLAG = "no-c-format"
"""A msgid with ``%`` is prose, not a printf format (tools must not guess c-format)."""

_FORMATTER = string.Formatter()


def brace_fields(text: str) -> tuple[str, ...]:
    """The ``{name}`` placeholders of ``text`` in order, () unless it is a brace format.

    A brace format here: Python's ``str.format`` syntax, at least one field,
    every field a plain identifier (``{date}``, ``{count:d}``; not ``{}``,
    ``{0}`` or ``{a.b}``, which the site's strings never use).
    """
    if "{" not in text:
        return ()
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError:
        return ()
    fields = tuple(name for _, name, _, _ in parsed if name is not None)
    if not fields or not all(name.isidentifier() for name in fields):
        return ()
    return fields


def placeholders(text: str) -> list[str]:
    """The placeholders of a brace format as written (``{date}``, ``{n:d}``): what machine
    translation must carry through untouched; [] for text that is not one."""
    if not brace_fields(text):
        return []
    return re.findall(r"(?<!\{)\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}", text)


def flags_for(msgid: str) -> list[str]:
    """The gettext format flags a template entry with this English gets."""
    flags = [BRACE_FLAG] if brace_fields(msgid) else []
    if "%" in msgid:
        flags.append(PERCENT_FLAG)
    return flags


def same_fields(msgid: str, msgstr: str) -> bool:
    """True when a translation has exactly the placeholders of its English (any order)."""
    return sorted(brace_fields(msgid)) == sorted(_fields_anyway(msgstr))


def _fields_anyway(text: str) -> tuple[str, ...]:
    """The named fields of a translation, also when it is not a valid brace format."""
    try:
        return tuple(name for _, name, _, _ in _FORMATTER.parse(text) if name is not None)
    except ValueError:
        return ("\x00invalid",)
