"""The interface words of one language as the templates use them: plain, or marked.

A locale's words come from its ``site.po`` (:mod:`intl_pub.publish.interface`):
reviewed by a person, or machine-translated and not reviewed yet. Templates
show them like any other text of the site: a machine translation carries
``data-mt`` (underlined, and the page's notice says so), an English word
left untranslated carries ``lang="en"``, so that a reader -- and a screen
reader -- is never told that English is their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from intl_pub.core.model import Locale

_MACHINE = Markup('<span data-mt="">{}</span>')
_ENGLISH = Markup('<span lang="en" dir="ltr">{}</span>')


@dataclass(frozen=True, eq=False)
class Words(Mapping[str, str]):
    """msgid -> the text to show, for one locale; compares as the dict it holds."""

    texts: Mapping[str, str] = field(default_factory=dict)
    machine: frozenset[str] = frozenset()
    """The msgids whose text is machine translation that no person reviewed yet."""

    def __getitem__(self, msgid: str) -> str:
        return self.texts[msgid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def machine_of(words: Mapping[str, str]) -> frozenset[str]:
    """The machine-translated msgids of ``words`` (none for a plain mapping)."""
    return words.machine if isinstance(words, Words) else frozenset()


def gettext(words: Mapping[str, str]) -> Callable[..., str]:
    """``_(msgid, **values)``: the text, plain (for attributes, ``<title>``, feeds)."""

    def text(msgid: str, **values: str) -> str:
        found = words.get(msgid, msgid)
        return found.format(**values) if values else found

    return text


def marked(words: Mapping[str, str], locale: Locale) -> Callable[..., Markup]:
    """``t(msgid, **values)``: the text as page content, marked as the rest of the site is.

    Machine translation in ``<span data-mt>``; English that
    has no translation yet in ``<span lang="en" dir="ltr">`` (on a page in
    another language); a reviewed text as it is.
    """
    text = gettext(words)
    machine = machine_of(words)

    def mark(msgid: str, **values: str) -> Markup:
        shown = text(msgid, **values)
        if locale.is_source:
            return escape(shown)
        if msgid in machine:
            return _MACHINE.format(shown)
        if msgid not in words:
            return _ENGLISH.format(shown)
        return escape(shown)

    return mark
