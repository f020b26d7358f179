"""Each language's sentence punctuation: what it writes where English writes . ? ! … : ; ,

The punctuation and sentence-count checks need to know that a Chinese
sentence ends with "。", a Greek question with ";", a Hindi sentence with
"।" and that a Spanish question opens with "¿". babel ships no CLDR
exemplar punctuation, so the marks are a small table here (tested against
Unicode's properties and against translators' real catalogs); which
characters end a sentence at all is Unicode's Sentence_Terminal property.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import regex

from intl_pub.qa.text import compiled

STOP, QUESTION, EXCLAMATION, ELLIPSIS = "stop", "question", "exclamation", "ellipsis"
COLON, SEMICOLON, COMMA = "colon", "semicolon", "comma"
ROLES = (STOP, QUESTION, EXCLAMATION, ELLIPSIS, COLON, SEMICOLON, COMMA)
SENTENCE_ENDS = (STOP, QUESTION, EXCLAMATION)

Table = Mapping[str, tuple[str, ...]]

LATIN: Table = {
    STOP: (".",), QUESTION: ("?",), EXCLAMATION: ("!",), ELLIPSIS: ("…", "..."),
    COLON: (":",), SEMICOLON: (";",), COMMA: (",",),
}
_CJK: Table = {
    STOP: ("。",), QUESTION: ("？",), EXCLAMATION: ("！",), ELLIPSIS: ("……", "…", "..."),
    COLON: ("：",), SEMICOLON: ("；",), COMMA: ("，", "、"),
}
_ARABIC: Table = {QUESTION: ("؟",), COMMA: ("،",), SEMICOLON: ("؛",)}
_INDIC: Table = {STOP: ("।", ".")}  # the danda; many write "." as well
_ETHIOPIC: Table = {
    STOP: ("።", "::"),  # "::" is how many type ።
    QUESTION: ("፧", "?"), COMMA: ("፣",), SEMICOLON: ("፤",), COLON: ("፥", ":"),
}

# For each language, its marks where they are not Latin: the usual one first. "" means the
# language may end the sentence with no mark at all (Thai and Lao separate sentences by space).
LANGUAGES: dict[str, Table] = {
    "zh": _CJK,
    # Japanese software text often keeps half-width ":" and "?" (Django's catalogs do).
    "ja": {**_CJK, COMMA: ("、", "，"), COLON: ("：", ":"), QUESTION: ("？", "?")},
    "yue": _CJK,
    **dict.fromkeys(("ar", "fa", "ps", "ug", "ckb", "sd"), _ARABIC),
    "ur": {**_ARABIC, STOP: ("۔", ".")},
    "el": {QUESTION: (";", "\u037e"), SEMICOLON: ("·", "\u0387")},
    # Armenian: ։ ends a sentence (often typed ":"), ․ is its colon; ՞ and ՜ sit on the
    # stressed word, so a question or exclamation ends with ։ or with nothing.
    "hy": {
        STOP: ("։", ":"), COLON: ("․", ":"), QUESTION: ("։", "?", ""), EXCLAMATION: ("։", "!", ""),
    },
    **dict.fromkeys(("hi", "ne", "sa", "bn", "as", "pa", "or", "mai", "bho"), _INDIC),
    "mr": {STOP: (".", "।")},  # Marathi took up the full stop
    "am": _ETHIOPIC,
    "ti": _ETHIOPIC,
    "my": {STOP: ("။",), COMMA: ("၊",)},
    "km": {STOP: ("។",)},
    "bo": {STOP: ("།",), COMMA: ("།",)},
    "dz": {STOP: ("།",), COMMA: ("།",)},
    "th": {STOP: ("", ".")},
    "lo": {STOP: ("", ".")},
}
# Languages that open a question and an exclamation with an inverted mark.
_OPENING: dict[str, Mapping[str, str]] = {"es": {QUESTION: "¿", EXCLAMATION: "¡"}}


@dataclass(frozen=True)
class Marks:
    """One language's sentence punctuation: for each role, the marks it accepts."""

    language: str
    roles: Table
    """Role (``stop``, ``question``, ...) -> accepted marks, the usual one first."""
    opening: Mapping[str, str] = field(default_factory=dict)
    """Sentence-end role -> the mark that opens such a sentence (Spanish ``¿``)."""

    def usual(self, role: str) -> str:
        """The mark to suggest for a role."""
        return self.roles[role][0]

    def accepts(self, role: str, mark: str) -> bool:
        return mark in self.roles[role]

    @property
    def counts_sentences(self) -> bool:
        """False where a sentence may end with no mark: counting marks would count nothing."""
        return "" not in self.roles[STOP]

    def sentences(self, text: str) -> list[str]:
        """The sentences of ``text``: split after a terminal mark and its closing quotes.

        A terminal followed by space ends a sentence unless a lowercase word
        follows ("approx. five"); a full-width one (。) ends it even with no
        space, as Chinese and Japanese write.
        """
        found, start = [], 0
        for match in self._terminal.finditer(text):
            rest = text[match.end() :]
            gap = len(rest) - len(rest.lstrip())
            following = rest[gap : gap + 1]
            wide = unicodedata.east_asian_width(match.group("mark")[-1]) in "FWH"
            if following and ((gap and not following.islower()) or (not gap and wide)):
                found.append(text[start : match.end()])
                start = match.end()
        found.append(text[start:])
        return [s.strip() for s in found if compiled(r"[^\W_]").search(s)]

    def ending(self, text: str) -> list[str]:
        """The marks (in this language's or Latin writing) that end ``text``, in order."""
        return self._edge(text, end=True)

    def beginning(self, text: str) -> list[str]:
        """The marks that open ``text`` (Spanish ``¿``, a leading ``…``)."""
        return self._edge(text, end=False)

    def matches(self, roles: list[str], marks: list[str]) -> bool:
        """Whether ``marks`` write ``roles`` (a role this language may omit can be missing)."""
        i = 0
        for role in roles:
            if i < len(marks) and self.accepts(role, marks[i]):
                i += 1
            elif not self.accepts(role, ""):
                return False
        return i == len(marks)

    def write(self, roles: list[str]) -> str:
        return "".join(self.usual(role) for role in roles)

    def role(self, mark: str) -> str | None:
        """The first role ``mark`` plays here (None for a mark this language does not use)."""
        return next((r for r in ROLES if mark and self.accepts(r, mark)), None)

    @functools.cached_property
    def _marks(self) -> tuple[str, ...]:
        """Every mark this language or Latin writing uses, longest first (for tokenising)."""
        every = {m for table in (self.roles, LATIN) for ms in table.values() for m in ms if m}
        every |= set(self.opening.values())
        return tuple(sorted(every, key=lambda w: (-len(w), w)))

    @functools.cached_property
    def _terminal(self) -> regex.Pattern[str]:
        """Unicode's sentence terminals and ours (Greek ;), less our pauses (Armenian ․)."""
        own = "".join(m for r in SENTENCE_ENDS for m in self.roles[r] if len(m) == 1)
        pauses = "".join(
            m for r in (COLON, SEMICOLON, COMMA) for m in self.roles[r]
            if len(m) == 1 and m not in own
        )
        terminal = rf"[\p{{Sentence_Terminal}}{regex.escape(own)}]"
        if pauses:
            terminal = rf"[{terminal}--[{regex.escape(pauses)}]]"
        return compiled(rf"(?P<mark>{terminal}+)[\p{{Pe}}\p{{Pf}}\"']*", regex.V1)

    def _edge(self, text: str, *, end: bool) -> list[str]:
        text = "".join(text.split())
        found: list[str] = []
        while text:
            mark = next(
                (m for m in self._marks if (text.endswith(m) if end else text.startswith(m))),
                None,
            )
            if mark is None:
                break
            found.append(mark)
            text = text[: -len(mark)] if end else text[len(mark) :]
        return found[::-1] if end else found


@functools.cache
def marks(language: str) -> Marks:
    """The marks of an ISO 639 language (Latin ones where the table has nothing to add)."""
    return Marks(language, {**LATIN, **LANGUAGES.get(language, {})}, _OPENING.get(language, {}))


ENGLISH = marks("en")


def end_mismatch(source: str, translation: str, language: str) -> tuple[str, str] | None:
    """``(found, wanted)`` when the translation does not end as the source does, else None."""
    here = marks(language)
    roles = _english_roles(ENGLISH.ending(source))
    got = here.ending(translation)
    if here.matches(roles, got):
        return None
    return "".join(got), here.write(roles)


def start_mismatch(source: str, translation: str, language: str) -> tuple[str, str] | None:
    """``(found, wanted)`` when the translation opens differently: Spanish ``¿…?`` and ``¡…!``.

    The opening mark follows the role of the source's first sentence end; a
    leading mark of the source (an ellipsis) must open the translation too.
    """
    here = marks(language)
    lead = _english_roles(ENGLISH.beginning(source))
    first = ENGLISH.sentences(source)[:1]
    closing = _english_roles(ENGLISH.ending(first[0]))[-1:] if first else []
    last = closing[0] if closing else None
    opens = [here.opening[last]] if last in here.opening else []
    got = here.beginning(translation)
    inverted = set(here.opening.values())
    rest = [m for m in got if m not in inverted]
    if [m for m in got if m in inverted] == opens and here.matches(lead, rest):
        return None
    return "".join(got), "".join(opens) + here.write(lead)


def _english_roles(found: list[str]) -> list[str]:
    """The roles of marks :data:`ENGLISH` found (it finds only marks it has a role for)."""
    return [role for mark in found if (role := ENGLISH.role(mark))]
