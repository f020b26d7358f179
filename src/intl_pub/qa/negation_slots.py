"""How many negation markers a faithful translation carries, beyond the English's "not"s.

Counting "not"s misses a lost marker whenever the translation has more markers than
the English has negations: "There is no vaccine or specific treatment" is "No hay
ninguna vacuna ni tratamiento", and deleting the "ni" leaves one "no" for one "no".
Those extra markers are not noise: they come from places in the English that a
language marks with a negation of its own, a *slot*:

* ``coordination``: an "or"/"nor" in the scope of a negation ("no X or Y" is
  "no X ni Y", "не X и не Y");
* ``polarity``: "any", "ever", "either" in the scope of a negation ("not any" is
  "ningún", "никакой");
* ``idiom``: an English idiom with a negation word ("last but not least", "whether
  or not", "not only"), which the count of negations leaves out;
* ``affixed``: a word negative by its form ("non-essential" is "no esenciales");
* ``unable``: "unable", "inability" ("no pudieron", "не смогли", 无法);
* ``unless``: which Russian says with a negation ("если только не", "без необходимости");
* ``negative``: a negative test ("negative for SARS-CoV": "SARS-CoV не определялся"),
  unless the translation says it with its word for "negative" (:func:`answered`);
* ``lexical``: another word negative by its meaning ("lack", "fail to", "refuse").

Which kinds a language carries with a marker almost always is a table
(:data:`CARRIED`, measured on half A of the TICO-19 development pairs and confirmed
on half B: bench/verify.py). The translation's markers are counted without folding
negative concord ("no ... ningún" is two) and with the markers of idioms that answer
an English idiom ("no solo", "o no"), but not those of idioms that negate nothing
in either language ("sin embargo", "тем не менее", 不同).

When the translation has at least the English's negations but fewer markers than
the negations and carried slots together, the count cannot tell a translator's
choice ("no X o Y") from a lost marker: the sentence goes to a person. So does a
text whose negations and slots of any kind number :data:`TANGLED` or more.

Measured (bench/verify.py, half A then B, correct pairs held more / removed negations
caught more, both seeder styles): es coordination +2/+4 held, +6/+5 caught; polarity
and idiom ~0 held, +3/+2; tangled (3) +3/+2 held, +2/+0 caught. Dropped: coordination
for ru (+6/+6 held, +2/+2) and zh (+7/+7, +3/+4): "не X или Y", 不X或Y are correct;
affixed words for es/ru (+17..26 held per half), even with Russian's не-/без- words
counted as answers (+5 held, +1 caught); lexical negatives (unable, lack, fail to:
+4..9 held, 0..4 caught); Russian "no X" as "ни один X не" (+7/+11 held, +1/+2); and
holding every translation with more markers than the English (a lost marker leaves
it with as many, so that catches nothing). Later (same measure): "unable" for es +4/+0
caught, +0 held (ru +0, zh +1 held); "unless" for ru +3/+3 caught, +0 held.

Russian coordination has one case that is a slot after all: orders ("Don't stand or sit" is
"Не стойте и не сидите", a "не" before each verb). The first marked and the second not
(:func:`half_negated`) where the English negates an "or" is a lost marker: ru +2/+0 caught,
+0/+0 held. (The second marked and the first not was dropped after a review: "Отдыхайте и
не ходите на работу или в школу" is a faithful "Rest and don't go to work or school".)
Dropped: es "or" in the subject of a negated verb ("tap-water and/or soap is not
available", "no dispone de agua ni jabón"): +3/+0 caught, +0/+1 held (the other such
subject kept "o").

A negative test ("negative for SARS-CoV", "tested negative", "negative results") is a
slot in all three languages where the translation lacks the word "negative" (отрицательный,
negativo, 阴性): ru +3/+0 caught, es and zh +0/+0; held +0/+0 in all three (the one ru pair
saying "can be negative" with "отрицательными" would be held without that exception).
"Negative for" counts only before a pathogen or a test's target: "negative for mental
health" is "harmful" ("вредна", 有害), with no marker.

Dropped after the same review, for holding faithful instructions: a language's "avoid"
not counting where the English avoids nothing ("Do not drink alcohol" is "Evite el
alcohol", 避免饮酒; it caught 无法避免 losing its 无 for "won't protect": zh +1/+1), and
Chinese 仅…还 as a 不仅…还 that lost its 不 ("仅接待预约患者，还须携带身份证件" is a
faithful "only ..., and must also": zh +0/+1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from intl_pub.core.locales import cldr
from intl_pub.qa import negation
from intl_pub.qa.text import compiled


@dataclass(frozen=True)
class Slot:
    """A place in the English that the language marks with a negation of its own."""

    start: int
    end: int
    kind: str
    """``coordination``, ``polarity``, ``idiom``, ``affixed``, ``unable``, ``unless`` or
    ``lexical``."""


CARRIED: dict[str, frozenset[str]] = {
    "es": frozenset({"coordination", "polarity", "idiom", "unable", "negative"}),
    "ru": frozenset({"polarity", "idiom", "unless", "negative"}),
    "zh": frozenset({"polarity", "idiom", "negative"}),
}
"""The slot kinds each language marks with a negation almost always ("ni", "ningún",
"no menos importante"; Russian "не X или Y" and Chinese 不X或Y keep the English's one
negation for a coordination, so there it is no slot)."""
TANGLED = 3
"""From this many negations and slots of any kind in one text, a count cannot tell which
marker answers which: the text goes to a person."""


_SCOPE_END = compiled(
    r"[,;:.!?()\[\]—–]|\s-\s|\b(?:but|because|which|who|whom|whose|that|while|whereas|"
    r"although|though|if|when|unless|until|so|since|as|where)\b",
    regex.IGNORECASE,
)
"""Where a negation's scope ends: a clause boundary."""
_COORDINATION = compiled(r"\b(?:or|nor)\b", regex.IGNORECASE)
_POLARITY = compiled(
    r"\b(?:any|anyone|anybody|anything|anywhere|anymore|ever|either)\b", regex.IGNORECASE
)
_SCOPERS = compiled(
    r"(?<![\p{L}])(?:not|no|never|cannot|without|neither)(?![\p{L}'’])"
    r"|(?<=\p{L})n[’']t(?![\p{L}])",
    regex.IGNORECASE,
)
"""The negations whose scope holds coordinations and polarity items."""
_NEGATIVE = compiled(
    r"\bnegative\s+(?:results?|tests?|swabs?|PCR)\b|\btest(?:s|ed|ing)?\s+negative\b"
    r"|\bnegative\s+for\s+(?:the\s+)?(?:(?-i:[A-Z])[\p{L}\d-]*|virus\p{L}*|antibod\p{L}*|"
    r"infection|antigen\p{L}*)",
    regex.IGNORECASE,
)
"""A negative test: "tested negative", "negative results", "negative for" a pathogen or a
test's target ("were negative for SARS-CoV", "negative for antibodies"); not "negative for
mental health", which is "harmful"."""
_NEGATIVE_WORD = {"es": r"negativ", "ru": r"отрицательн|негативн", "zh": r"阴性|陰性"}
"""Each language's word for a negative result: where the translation has it, the result
needs no marker; where it has not, the result is said with one ("SARS-CoV не определялся")."""
_UNABLE = compiled(r"\b(?:unable|inability)\b", regex.IGNORECASE)
"""Being unable, which the languages carry with a marker ("не смогли", 无法, "no pudieron")."""
_UNLESS = compiled(r"\bunless\b", regex.IGNORECASE)
"""Russian says "unless" with a negation ("если только не", "без необходимости")."""
_LEXICAL = compiled(
    r"\b(?:fail(?:s|ed|ing)?\s+to|failure\s+to|lack(?:s|ed|ing)?|"
    r"absen(?:ce|t)|refus\p{L}*|free\s+of|few|little\s+(?:or\s+no|evidence|data))\b",
    regex.IGNORECASE,
)
"""Words negative by their meaning."""

_INERT = {
    "es": r"sin\s+embargo|no\s+obstante|(?:m[aá]s|antes|mejor|peor|menos)\s+que\s+"
          r"(?:nada|nadie|nunca)",
    "pt": r"no\s+entanto",
    "it": r"tuttavia",
    "ru": r"тем\s+не\s+менее|как\s+никогда|не\s+раз|чуть\s+ли\s+не",
    "zh": r"不同|不久|不少|不过|不過|不断|不斷|非常|未来|未來|非洲|南非|北非|非典(?!型)|非凡|"
          r"不良|不安|不禁|不妨|别人|別人|别的|别处|特别|特別|区别|區別|差别|分别|级别|类别|性别|"
          r"识别|鉴别|告别|个别|無比|无比|无限|不一|不停|莫过于|除非",
}  # fmt: skip
"""Idioms whose markers negate nothing in either language ("sin embargo" is "however"):
never counted. The other idioms of :mod:`negation` answer an English idiom ("no solo",
"o no", 无论) and are counted here."""


KINDS = frozenset({"coordination", "polarity", "idiom", "affixed", "lexical", "unable"})


def tangled(text: str, tag: str, negations: int) -> list[Slot]:
    """Every slot of the English when, with its ``negations``, they are :data:`TANGLED`
    or more (Chinese counts words negative by form among the negations already)."""
    if not negations:
        return []
    every = [s for s in english_slots(text, tag, KINDS)
             if not (s.kind == "affixed" and negation.affixes_are_markers(tag))]
    return every if negations + len(every) >= TANGLED else []


def english_slots(text: str, tag: str, kinds: frozenset[str] | None = None) -> list[Slot]:
    """The English's slots of the kinds the language ``tag`` carries with a marker (or of
    ``kinds``)."""
    carried = CARRIED.get(cldr(tag).language, frozenset()) if kinds is None else kinds
    if not carried:
        return []
    found: list[Slot] = []
    if "idiom" in carried:
        found += [Slot(s, e, "idiom") for s, e in negation.english_idioms(text)]
    taken = negation.english_affixed(text) if "affixed" in carried else []
    found += [Slot(s, e, "affixed") for s, e in taken]
    for kind, pattern in (("unable", _UNABLE), ("unless", _UNLESS), ("negative", _NEGATIVE)):
        if kind in carried:
            found += [Slot(*m.span(), kind) for m in pattern.finditer(text)
                      if not any(s <= m.start() < e for s, e in taken)]
    if "lexical" in carried:
        found += [Slot(*m.span(), "lexical") for m in _LEXICAL.finditer(text)
                  if not any(s <= m.start() < e for s, e in taken)]
    for scoper in _SCOPERS.finditer(negation.blank_idioms(text)):
        stop = _SCOPE_END.search(text, scoper.end())
        scope = (scoper.end(), stop.start() if stop else len(text))
        for kind, pattern in (("coordination", _COORDINATION), ("polarity", _POLARITY)):
            if kind in carried:
                found += [Slot(scope[0] + m.start(), scope[0] + m.end(), kind)
                          for m in pattern.finditer(text[scope[0] : scope[1]])]
    return sorted(set(found), key=lambda s: s.start)


def answered(slots: list[Slot], translation: str, tag: str) -> list[Slot]:
    """The slots the translation must mark: a negative result is not one where the
    translation names it with its word for "negative" (отрицательный, negativo, 阴性)."""
    word = _NEGATIVE_WORD.get(cldr(tag).language)
    if word is None or not compiled(word, regex.IGNORECASE).search(translation):
        return slots
    return [s for s in slots if s.kind != "negative"]


_FORMED = {
    "es": (r"(?:incapa|imposibilit)\p{L}*", r"(?!)"),
    "ru": (r"(?:не|без|бес)\p{L}{3,}",
           r"(?:некотор|необход|нескольк|безопас|непосредств|несмотр|недавн|нейтр|недел|неотложн|"
           r"небольш|немног|невр|немецк|нечто|нежели|неонат|нерв|нефт|нейр|нефр|беспок|небес|"
           r"нес(?:ет|ут|ти|у|ла|ли|ло|ущ)\b|нет)"),
}
"""Words negative by their form in a language whose negative prefixes mirror English's
(Russian: неизвестный for unknown, бессимптомный for asymptomatic), with the words of
that form that negate nothing (некоторый, необходимо, несколько, безопасный, неделя);
Spanish "incapaz", "imposibilitado" for "unable"."""


def markers(text: str, tag: str) -> list[tuple[int, int]]:
    """Every marker of the translation, concord words and answering idioms included; and,
    where the language has them (:data:`_FORMED`), words negative by their form."""
    language = cldr(tag).language
    inert = _inert(language)
    spans = [m.span() for m in inert.finditer(text)] if inert is not None else []
    found = [(s, e) for s, e in negation.raw_markers(text, tag)
             if not any(a <= s < b for a, b in spans)]
    formed = _formed(language)
    if formed is not None:
        found += [m.span() for m in formed.finditer(text)
                  if not any(s <= m.start() < e for s, e in found)]
    return sorted(found)


@functools.cache
def _formed(language: str) -> regex.Pattern[str] | None:
    if language not in _FORMED:
        return None
    word, lexicalized = _FORMED[language]
    return compiled(rf"(?<![\p{{L}}\p{{M}}])(?!{lexicalized}){word}", regex.IGNORECASE)


@functools.cache
def _inert(language: str) -> regex.Pattern[str] | None:
    pattern = _INERT.get(language)
    if pattern is None:
        return None
    if language in ("zh", "ja"):
        return compiled(pattern)
    return compiled(rf"(?<![\p{{L}}\p{{M}}])(?:{pattern})(?![\p{{L}}\p{{M}}])",
                         regex.IGNORECASE)


_IMPERATIVE = r"\p{L}+(?:йте|ите|ьте)"
_HALF_NEGATED = {
    "ru": rf"(?<![\p{{L}}])не\s+{_IMPERATIVE}\s+и\s+(?!не(?![\p{{L}}])){_IMPERATIVE}(?![\p{{L}}])",
}
"""Two orders joined by "и", the first negated and the second not ("Не стойте и сидите"):
Russian says "don't X or Y" to several verbs with a "не" before each ("Не стойте и не
сидите"). (Not the other way round: "Отдыхайте и не ходите на работу или в школу" is "Rest
and don't go to work or school".)"""


def half_negated(english: str, translation: str, tag: str) -> list[tuple[int, int]]:
    """Orders coordinated in the translation with a marker on only one, where the English
    negates a coordination ("Don't stand or sit"): a marker was lost."""
    pattern = _HALF_NEGATED.get(cldr(tag).language)
    if pattern is None or not english_slots(english, tag, frozenset({"coordination"})):
        return []
    return [m.span() for m in compiled(pattern, regex.IGNORECASE).finditer(translation)]


_NEGATIVE_LIKE = compiled(
    r"(?<![\p{L}])(?:lack\p{L}*|fail\p{L}*|refus\p{L}*|absen\p{L}*|free|deny|denie\p{L}*|instead|"
    r"rather|ban|bann\p{L}*|prohibit\p{L}*|forbid\p{L}*|miss\p{L}*|except\p{L}*|neglect\p{L}*|"
    r"reject\p{L}*|exclud\p{L}*|against|hardly|barely|rarely|seldom|few|fewer|little|less|lesser|"
    r"least|different|differ\p{L}*|regardless|difficult\p{L}*|hard|doubt\p{L}*|lose|los[st]|"
    r"losing|cancel\p{L}*|suspend\p{L}*|restrict\p{L}*|limit\p{L}*|halt\p{L}*|cease\p{L}*|"
    r"quit|skip\p{L}*|omit\p{L}*|ignor\p{L}*|shortage\p{L}*|stop\p{L}*|prevent\p{L}*|any|"
    r"anyone|anything|anybody|ever|either|else|whether|only|unless|negative|out\s+of|"
    r"around\s+the\s+clock|24/7|walk-in|question\p{L}*|\p{L}+-free|under\p{L}{4,}|"
    r"substandard|(?:under|below|over|above|beyond)(?=\s+(?:the\s+age\s+of\s+)?\d)|"
    r"var(?:y|ies|ied|ying|iable|ious)|clos(?:e|ed|es|ing|ure\p{L}*)|escap\p{L}*|"
    r"protect\p{L}*|eliminat\p{L}*|disappear\p{L}*|dismiss\p{L}*|adverse\p{L}*|poor\p{L}*|"
    r"improper\p{L}*|inappropriate\p{L}*|anger|angry|upset|in\p{L}+(?:able|ible))(?![\p{L}])",
    regex.IGNORECASE,
)
"""English words a faithful translation may say with a negation marker though the English
count leaves them out: "lack" (缺乏 or "no hay"), "less effective" (不如), "out of reach"
(недоступном, 够不着), "any questions?" (有没有), "walk-in" ("sin cita")."""
_LEXICALIZED = {
    "es": r"no\s+(?:se\s+)?olvid\p{L}*|no\s+deje\s+de|no\s+dude\p{L}*",
    "ru": r"не\s+забу\p{L}*|не\s+забыва\p{L}*|не\s+стесняйтесь",
    "zh": r"有没有|是不是|能不能|会不会|要不要|好不好|对不对|可不可以|行不行|该不该|不满|不当|不利|"
          r"不便|不合格|不良|不适|不足|不等|不同|未满|不到|不宜|无期|不久|无论|不断|不舒服|"
          r"必不可少|不可少|不可或缺|差不多|别忘|不要忘|不忘|不错|无害",
}  # fmt: skip
"""Words with a marker that a language uses for what English says without a negation: a
question (有没有, "are there"), 不满 ("anger", "under"), 不等 ("ranging"), 无期 ("life"),
不舒服 ("sick"), 必不可少 ("essential"), 差不多 ("nearly"); and the leaflet's "remember", "be
sure to", "feel free to" ("no olvide", "no deje de", "no dude en", "не забудьте", 别忘了)."""
_UNTIL = {"ru": compiled(r"(?<![\p{L}])(?:until|till|before)(?![\p{L}])", regex.IGNORECASE)}
"""Russian says "until" with a marker ("пока не узнаете")."""


@functools.lru_cache(maxsize=4096)
def _negative_like(english: str, tag: str) -> bool:
    """Whether the English has a negation, a slot, or a word a translator may say with one
    (remembered: each language of a page asks of the same English)."""
    until = _UNTIL.get(cldr(tag).language)
    return bool(
        _NEGATIVE_LIKE.search(english) or negation.english(english)
        or negation.english_affixed(english) or negation.english_idioms(english)
        or english_slots(english, tag, KINDS) or (until is not None and until.search(english))
    )


_CEASE = compiled(
    r"(?<![\p{L}])(?:stop\p{L}*|discontinu\p{L}*|ceas\p{L}*|quit\p{L}*|interrupt\p{L}*|"
    r"halt\p{L}*)(?![\p{L}])",
    regex.IGNORECASE,
)
_NOT_CEASING = {
    "es": r"(?<![\p{L}])no\s+(?:(?:lo|la|los|las|le|se)\s+)?(?:dej\p{L}*\s+de|suspend\p{L}*|"
          r"interrump\p{L}*)",
    "ru": r"(?<![\p{L}])не\s+(?:прекращ\p{L}*|прерыва\p{L}*|перестава\p{L}*|останавлива\p{L}*)",
    "zh": r"(?:不要|别|勿|不可|不得|切勿)(?:停|中断|间断)",
}  # fmt: skip
"""A negated "stop" ("no deje de", "не прекращайте", 不要停): said where the English says
"stop" and negates nothing, the instruction is reversed."""


def added(english: str, translation: str, tag: str) -> list[tuple[int, int]]:
    """The markers of a translated sentence whose English has no negation and nothing a
    translator might say with one: a negation the translation added ("No tome la primera
    dosis" for "Take the first dose"), which reverses an instruction. Empty when the English
    has anything negative, negative-like or a slot of any kind (the count decides there),
    except a negated "stop" for an English "stop" ("No deje de tomarlo" for "Stop taking it")."""
    if not negation.raw_markers(translation, tag):  # most sentences: nothing to look at
        return []
    language = cldr(tag).language
    ceasing = _NOT_CEASING.get(language)
    if ceasing and _CEASE.search(english) and not negation.english(english):
        reversed_ = [m.span() for m in compiled(ceasing, regex.IGNORECASE).finditer(translation)]
        if reversed_:
            return reversed_
    if _negative_like(english, tag):
        return []
    unasked = negation.unasked(english, translation, tag)
    lexicalized = _LEXICALIZED.get(language)
    if lexicalized is not None:
        unasked += [m.span() for m in compiled(lexicalized, regex.IGNORECASE).finditer(translation)]
    return [(s, e) for s, e in negation.markers(translation, tag)
            if not any(a <= s < b for a, b in unasked)]
