"""Negation: the English says "not", "never", "without", "avoid"; does the translation?

A lost "not" inverts advice, and no number rule sees it. The English negations
are counted (idioms that negate nothing left out: "not only", "last but not
least", "whether or not"; "neither ... nor" is one); so are the translation's
markers, per language, with the idioms that contain a marker but negate nothing
("sin embargo", "тем не менее", 不同, 非常) left out and negative concord read as
one negation ("no ... ningún", "никогда не"). The translation must carry at least
as many as the English. A concord word left alone ("vemos ningún", "никто
пришёл") is a negation whose "no"/"не" was lost.

Languages fold some negations into words: "avoid" is "evitar", "избегать", 避免;
"without" is "sin", "без", 无/没有. Those count as markers. English words that
are negative by their form ("unknown", "non-pathogenic", "symptomless") may or
may not become a marker, so they are never required.

Markers are known for es, ru, zh (the issue's lists), fr, de, pt and it; for any
other language there is no negation check: better no check than false holds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from intl_pub.core.locales import cldr
from intl_pub.qa.text import WORD_LETTER, compiled

_W = r"[\p{L}\p{M}'’]"

_EN_HARD = compiled(
    r"(?<![\p{L}])(?:not|no(?!\.\s?\d)(?:\s+(?:one|longer))?|never|none|nobody|nothing|nowhere|"
    r"neither|nor|cannot|without|avoid(?:s|ed|ing|ance)?)(?![\p{L}'’])"
    r"|(?<=\p{L})n[’']t(?![\p{L}])",
    regex.IGNORECASE,
)
_EN_IDIOMS = compiled(
    r"\b(?:not\s+only|not\s+just|not\s+merely|last\s+but\s+not\s+least|not\s+least|"
    r"no\s+doubt|whether\s+or\s+not|or\s+not|no\s+matter|nothing\s+but|none\s+other|"
    r"not\s+to\s+mention|no\s+sooner)\b",
    regex.IGNORECASE,
)
"""English phrases that hold a negation word but negate nothing a reader acts on."""
_EN_AFFIXED = compiled(
    r"(?<![\p{L}-])(?:"
    r"un(?!der|i(?:t|on|que|vers|form|lateral|fied|fy|son|code)|til|less|cle|to\b|employ|anim)"
    r"\p{L}{4,}"
    r"|non-?(?!e\b|etheless|sense)\p{L}{3,}"
    r"|\p{L}{3,}(?<!\bun|\bregard|\bneverthe|\bnonethe|\bb)less(?:ly|ness)?"
    r"|a(?:symptomatic|typical|febrile)\p{L}*"
    r"|(?:insufficient|inadequate|incomplete|inaccurate|inactive|inappropriate|invisible|"
    r"irregular|ineffective|inconclusive|inconsistent|infrequent|incorrect|illegal|"
    r"irreversible|immature|improper|inability|incapable|incompatible|inefficient|inevitable|"
    r"informal|insignificant|intolerance|intolerant|invalid|irrelevant|impossible|infertile|"
    r"incurable|inaction|imprecise|impractical|insecure|instability|immobile|imperfect)\p{L}*"
    r")(?![\p{L}])",
    regex.IGNORECASE,
)
"""English words negative by their form (unwashed, non-essential, symptomless, atypical,
insufficient). Chinese writes them with the same 不, 无, 非, 未 as any negation (未洗手,
非必要, 无症状, 不足), so there they count; Spanish and Russian have negative affixes of
their own (asintomático, бессимптомный), so there they do not."""
_AFFIXES_ARE_MARKERS = frozenset({"zh"})


@dataclass(frozen=True)
class _Language:
    """One language's negation markers."""

    markers: regex.Pattern[str]
    """Each match is one marker (a word, or a character in Chinese)."""
    idioms: regex.Pattern[str] | None
    """Phrases that hold a marker but negate nothing (blanked before counting)."""
    concord: regex.Pattern[str] | None
    """Words that negate only together with another marker (ningún, никто)."""
    heads: regex.Pattern[str] | None
    """The markers a concord word leans on (no, sin, не, нет, без)."""
    lonely: regex.Pattern[str] | None
    """Words that need a marker in their clause (concord words, and "ni": "no ... ni")."""


_EN_NOT_ONLY = compiled(r"\bnot\s+(?:only|just|merely|simply)\b", regex.IGNORECASE)
_NOT_ONLY = {
    "es": r"\bno\s+(?:s[oó]lo|solamente|[uú]nicamente|simplemente)\b",
    "pt": r"\bnão\s+(?:s[oó]|somente|apenas)\b",
    "it": r"\bnon\s+(?:solo|soltanto|solamente)\b",
    "fr": r"\bnon\s+seulement\b|\bne\b[^.;]{0,30}\bpas\s+seulement\b",
    "de": r"\bnicht\s+nur\b",
    "ru": r"(?<!\p{L})не\s+(?:только|просто|столько|лишь)(?!\p{L})",
    "zh": r"不仅|不僅|不但|不只|不光|不单|不單|不止|非但|并非只|並非只",
}
""""Not only ... but also" in each language: the English's must be there too."""
_BROKEN = {
    "es": r"(?<!\bno\s)\bobstante\b|(?:^|[.;:]\s*)embargo\s*,|(?<!\()\bo(?:\s+[,.;:)]|[.;:)]|$)",
    "pt": r"(?:^|[.;:]\s*)entanto\s*,|\bou(?:\s+[,.;:)]|[.;:)]|$)",
    "it": r"\bo(?:\s+[,.;:)]|[.;:)]|$)",
    "ru": r"(?<!не\s)\bменее\s*,|(?<!\p{L})тем\s+менее(?!\p{L})"
          r"|(?<![\p{L}(])или(?:\s+[,.;:)]|[.;:)]|$)",
    "zh": r"(?<![无無不])论是否|(?<![无無不])论如何|别选择|(?<![不])可或缺|"
          r"(?<!可)或缺(?=[的之，。；、,.;]|$)|"  # (not 高温或缺水, "heat or lack of water")
          r"除(?![非了外此去夕草湿臭尘])[^，。；,;]{1,40}[，,]?\s*否则",
}
"""What is left of an idiom when its marker is deleted ("tem менее", "obstante", a clause
opening with "embargo,"; 或缺, "lacking", never stands without the 不可 of 不可或缺,
"indispensable": zh +1/+0 caught, +0/+0 held): a negation was cut out."""
_NEEDS_NOT_ONLY = {"es": r"\bsino\b", "pt": r"\bmas\s+também\b", "ru": r"(?<!\p{L})но\s+и(?!\p{L})",
                   "it": r"\bma\s+anche\b", "de": r"\bsondern\b"}
"""The second half of "not only ... but also" (es "sino", ru "но и"), which needs the
first: "no solo X sino Y", "не только X, но и Y"."""

_LANGUAGES: dict[str, dict[str, str]] = {
    "es": {
        "markers": r"no|nunca|ni|sin|tampoco|jam[aá]s|ning[uú]n[oa]?s?|nadie|nada|"
                   r"evit\p{L}*",
        "idioms": r"sin\s+embargo|no\s+obstante|no\s+s[oó]lo|no\s+solamente|no\s+menos\s+"
                  r"importante|sin\s+duda|(?:m[aá]s|antes|mejor|peor|menos)\s+que\s+"
                  r"(?:nada|nadie|nunca)|casi\s+nada|nada\s+m[aá]s\s+que|"
                  r"o\s+no(?=\s*[,.;:)]|$)",
        "concord": r"nunca|tampoco|jam[aá]s|ning[uú]n[oa]?s?|nadie|nada",
        "lonely": r"nunca|ni|tampoco|jam[aá]s|ning[uú]n[oa]?s?|nadie|nada",
        "heads": r"no|sin|nunca|ni|tampoco|jam[aá]s|nadie|nada|ning[uú]n[oa]?s?",
    },
    "pt": {
        "markers": r"não|nunca|nem|sem|jamais|nenhum[a]?s?|ningu[eé]m|nada|evit\p{L}*",
        "idioms": r"não\s+s[oó]|no\s+entanto|sem\s+d[uú]vida|ou\s+não(?=\s*[,.;:)]|$)",
        "concord": r"nunca|jamais|nenhum[a]?s?|ningu[eé]m|nada",
        "lonely": r"nunca|nem|jamais|nenhum[a]?s?|ningu[eé]m|nada",
        "heads": r"não|sem|nunca|nem|jamais|ningu[eé]m|nada|nenhum[a]?s?",
    },
    "it": {
        "markers": r"non|mai|n[eé]|senza|nessun[oa]?|niente|nulla|evit\p{L}*",
        "idioms": r"non\s+solo|senza\s+dubbio|o\s+no(?=\s*[,.;:)]|$)",
        "concord": r"mai|nessun[oa]?|niente|nulla",
        "lonely": r"mai|n[eé]|nessun[oa]?|niente|nulla",
        "heads": r"non|senza|mai|n[eé]|nessun[oa]?|niente|nulla",
    },
    "fr": {
        "markers": r"ne|n(?=['’]\p{L})|sans|jamais|aucun[e]?s?|personne|rien|ni|[eé]vit\p{L}*",
        "idioms": r"non\s+seulement|sans\s+doute|ou\s+non(?=\s*[,.;:)]|$)",
        "concord": r"jamais|aucun[e]?s?|personne|rien|ni|pas|plus",
        "heads": r"ne|n(?=['’]\p{L})|sans|jamais|aucun[e]?s?|rien|ni",
    },
    "de": {
        "markers": r"nicht|kein\p{L}*|nie|niemals|nichts|niemand\p{L}*|ohne|weder|"
                   r"vermeid\p{L}*",
        "idioms": r"nicht\s+nur|ohne\s+Zweifel|oder\s+nicht(?=\s*[,.;:)]|$)",
        "concord": None,
        "heads": None,
    },
    "ru": {
        "markers": r"не|нет|ни|без|безо|никогда|нельзя|никто|ничто|ничего|никого|никому|"
                   r"ничем|ничему|никем|ни\s?о\s?ком|ни\s?о\s?чем|нигде|никуда|ниоткуда|"
                   r"никак\p{L}*|ничей|ничь\p{L}+|избега\p{L}*|избеж\p{L}*|отсутств\p{L}*|"
                   r"невозможн\p{L}*|недоступн\p{L}*|недостаточн\p{L}*|неизвестн\p{L}*",
        "idioms": r"не\s+только|тем\s+не\s+менее|не\s+менее\s+важн\p{L}*|"
                  r"без\s+сомнения|(?:или|либо)\s+нет(?=\s*[,.;:)]|$)|как\s+никогда|"
                  r"не\s+раз|чуть\s+ли\s+не",
        "concord": r"ни|никогда|никто|ничто|ничего|никого|никому|ничем|ничему|никем|нигде|"
                   r"никуда|ниоткуда|никак\p{L}*|ничей|ничь\p{L}+",
        "heads": r"не|нет|без|безо|нельзя",
    },
    "zh": {
        "markers": r"不|没|沒|无|無|未|别|別|勿|非|禁止|避免|毋|甭|"
                   r"切莫|莫(?=要|让|讓|把|将|將|再|忘)",  # (not the 莫 of 莫斯科, Moscow)
        "idioms": r"不同|不久|不少|不过|不過|不断|不斷|非常|未来|未來|无论|無論|不论|不論|不管|"
                  r"非洲|南非|北非|非典(?!型)|非凡|不仅|不僅|不但|不只|不光|不得不|除非|否则|是否|能否|"
                  r"与否|可否|毫无疑问|无疑|無疑|不良|不适|不適|不安|并非不|莫过于|"
                  r"不禁|不妨|别人|別人|别的|别处|特别|特別|区别|區別|差别|分别|级别|类别|性别|识别|"
                  r"鉴别|告别|个别|無比|无比|无限|不一|不停|未必不",
        "concord": None,
        "heads": None,
    },
}  # fmt: skip


def english(text: str) -> list[tuple[int, int]]:
    """The spans of the English negations that a translation must carry (idioms left out;
    "neither ... nor" and "not ... nor" are one)."""
    blanked = _blank(text, _EN_IDIOMS)
    spans: list[tuple[int, int]] = []
    for match in _EN_HARD.finditer(blanked):
        word = match.group(0).casefold()
        if word == "nor" and _negated_before(blanked, match.start(), spans):
            continue
        spans.append((match.start(), match.end()))
    return spans


_EN_BOUND = compiled(
    r"(?:(?<![\p{L}])(?:not|no|never)|(?<=\p{L})n[’']t)(?![\p{L}])(?:\s+[\p{L}-]+){0,3}?\s+"
    r"(?:more|less|fewer|later|earlier|sooner|greater|higher|lower|longer|older|younger|over|"
    r"under)(?:\s+than)?(?![\p{L}])"
    r"|(?:(?<![\p{L}])(?:not|never)|(?<=\p{L})n[’']t)(?![\p{L}])(?:\s+[\p{L}-]+){0,2}?\s+"
    r"exceed",
    regex.IGNORECASE,
)
_BOUND = {
    "es": r"(?<![\p{L}])no\s+(?:m[aá]s|menos|antes|despu[eé]s|mayor(?:es)?|menor(?:es)?)"
          r"\s+(?:de|que)(?![\p{L}])",
    "ru": r"(?<![\p{L}])не\s+(?:более|менее|позднее|позже|ранее|раньше|больше|меньше|старше|"
          r"моложе|младше|дольше|чаще|реже|выше|ниже|превыша\p{L}*)(?![\p{L}])",
    "zh": r"不(?:超过|超過|少于|少於|低于|低於|高于|高於|早于|早於|晚于|晚於|迟于|遲於|多于|多於)",
}  # fmt: skip
"""Bounds written with a negation ("не более шести футов", 不超过 3 天, "no más de") where
English says "within", "up to", "at most", "by": they answer an English negation only where it
says "no more than", "not later than"."""


def unasked(english_text: str, translation: str, tag: str) -> list[tuple[int, int]]:
    """The translation's negated bounds ("не более шести футов", 不超过 3 天) where the
    English bounds with no negation ("within six feet"): they answer no English negation,
    so they must not stand in for one that was lost. Where the English negates a bound in
    any form ("no more than", "do not take more than", "not later", "never exceed"), they
    answer it."""
    pattern = _BOUND.get(cldr(tag).language)
    if pattern is None or _EN_BOUND.search(english_text):
        return []
    return [m.span() for m in compiled(pattern, regex.IGNORECASE).finditer(translation)]


_EN_LIMIT = compiled(
    r"(?:(?<![\p{L}])(?:not|no|never)|(?<=\p{L})n[’']t)(?![\p{L}])(?:\s+[\p{L}-]+){0,3}?\s+"
    r"(?:(?P<upper>more|later|greater|higher|longer|older|over|exceed\p{L}*)|"
    r"(?P<lower>less|fewer|earlier|sooner|lower|shorter|younger|under))(?:\s+than)?(?![\p{L}])"
    r"[^\d.;:!?]{0,24}?(?P<n>\d+(?:[.,]\d+)?)",
    regex.IGNORECASE,
)
_LIMITS = {
    "es": {"upper": r"m[aá]xim[oa]s?|hasta|tope", "lower": r"m[ií]nim[oa]s?|al\s+menos|"
           r"por\s+lo\s+menos", "upper after": r"como\s+m[aá]ximo|como\s+mucho",
           "lower after": r"como\s+m[ií]nimo|como\s+poco"},
    "ru": {"upper": r"максимум|до|самое\s+большее", "lower": r"минимум|как\s+минимум|"
           r"по\s+крайней\s+мере|хотя\s+бы"},
    "zh": {"upper": r"最多|至多|最高", "upper after": r"以内|以內|之内|之內|以下",
           "lower": r"最少|至少|最低", "lower after": r"以上"},
}  # fmt: skip
"""Words that bound a number without a negation, right before it ("un máximo de 6 g", "до 6 г",
最多服用4次; "al menos", "как минимум", 至少), or right after the number and its unit ("6 g como
máximo", 25°C以下, 6克以内)."""
_LIMIT_GAP = {
    "es": (r"(?:\s+(?:de|a|un|una|los|las|el|la))*\s*", r"\s?[^\s\d,;:.!?]{0,8}\s"),
    "ru": (r"\s*", r"(?!)"),
    "zh": (r"\p{Han}{0,4}", r"\s?[^\s\d，,；;：:。.！!？?]{0,6}?"),
}  # fmt: skip
"""What may stand between a limit word and its number (articles; a Chinese verb: 最多服用4次),
and between the number and a limit after it (its unit)."""


def limits(english_text: str, translation: str, tag: str) -> list[tuple[int, int]]:
    """The English negations of a bound on a number ("no more than 6 g", "not later than
    day 5") that the translation writes as a limit without a negation ("un máximo de 6 g",
    "до 6 г", 最多6克): the limit word right beside the same number says the negation ("до" for
    "before" or "until", "hasta que", or a limit of another number, says nothing). An upper
    bound needs an upper limit ("no more than" is never "al menos")."""
    language = cldr(tag).language
    words = _LIMITS.get(language)
    if words is None:
        return []
    before_gap, after_gap = _LIMIT_GAP[language]
    answered = []
    for match in _EN_LIMIT.finditer(english_text):
        number = regex.escape(match.group("n")).replace(r"\.", "[.,]").replace(",", "[.,]")
        kind = "upper" if match.group("upper") else "lower"
        after = words.get(f"{kind} after", "(?!)")
        near = compiled(
            rf"(?<!{WORD_LETTER})(?:{words[kind]}){before_gap}(?<!\d){number}(?![\d.,]\d)"
            rf"|(?<![\d.,]){number}(?!\d){after_gap}(?:{after})(?!{WORD_LETTER})",
            regex.IGNORECASE,
        )
        if near.search(translation):
            answered.append(match.span(0))
    return answered


def english_idioms(text: str) -> list[tuple[int, int]]:
    """The spans of the English idioms that hold a negation word ("not only", "whether or
    not"): not negations to count, but places a translation may mark."""
    return [m.span() for m in _EN_IDIOMS.finditer(text)]


def blank_idioms(text: str) -> str:
    """The English with its negation idioms blanked (same length)."""
    return _blank(text, _EN_IDIOMS)


def raw_markers(text: str, tag: str) -> list[tuple[int, int]]:
    """Every marker of the translation as written: concord words and markers inside idioms
    each count."""
    language = _language(tag)
    if language is None:
        return []
    return [m.span() for m in language.markers.finditer(text)]


def english_affixed(text: str, tag: str | None = None) -> list[tuple[int, int]]:
    """English words negative by form that the language ``tag`` writes with a marker (every
    one when ``tag`` is None)."""
    if tag is not None and cldr(tag).language not in _AFFIXES_ARE_MARKERS:
        return []
    return [m.span() for m in _EN_AFFIXED.finditer(_blank(text, _EN_IDIOMS))
            if not m.group(0).isupper()]  # UNICEF, UNESCO


def affixes_are_markers(tag: str) -> bool:
    """Whether the language writes English words negative by form with its markers."""
    return cldr(tag).language in _AFFIXES_ARE_MARKERS


def has_markers(tag: str) -> bool:
    """Whether the verifier knows the language's negation markers."""
    return _language(tag) is not None


def leaning(text: str, tag: str) -> list[tuple[int, int]]:
    """The concord words that lean on another marker ("no ... ningún"): not counted by
    :func:`markers`."""
    language = _language(tag)
    if language is None or language.concord is None:
        return []
    blanked = _blank(text, language.idioms) if language.idioms else text
    return [m.span() for m in language.markers.finditer(blanked)
            if language.concord.fullmatch(m.group(0)) and _leans_on_head(blanked, m, language)]


def markers(text: str, tag: str) -> list[tuple[int, int]]:
    """The spans of the translation's negations, concord counted once."""
    language = _language(tag)
    if language is None:
        return []
    blanked = _blank(text, language.idioms) if language.idioms else text
    found: list[tuple[int, int]] = []
    for match in language.markers.finditer(blanked):
        if language.concord is not None and language.concord.fullmatch(match.group(0)):
            if _leans_on_head(blanked, match, language):
                continue
        found.append((match.start(), match.end()))
    return found


def not_only(english_text: str, translation: str, tag: str) -> tuple[int, int]:
    """How many "not only" the English has, and how many the translation has."""
    pattern = _NOT_ONLY.get(cldr(tag).language)
    if pattern is None:
        return 0, 0
    return (len(_EN_NOT_ONLY.findall(english_text)),
            len(compiled(pattern, regex.IGNORECASE).findall(translation)))


def broken(text: str, tag: str) -> list[tuple[int, int]]:
    """Spans where an idiom lost its marker, or a "but also" lost its "not only"."""
    language = cldr(tag).language
    broken = compiled(_BROKEN.get(language, "(?!)"), regex.IGNORECASE | regex.MULTILINE)
    found = [m.span() for m in broken.finditer(text)]
    needs = _NEEDS_NOT_ONLY.get(language)
    if needs is not None:
        for match in compiled(needs, regex.IGNORECASE).finditer(text):
            before = text[_sentence_start(text, match.start()) : match.start()]
            not_only = compiled(_NOT_ONLY[language], regex.IGNORECASE)
            if not markers(before, tag) and not not_only.search(before):
                found.append(match.span())
    return found


def lone_concord(text: str, tag: str) -> list[tuple[int, int]]:
    """Concord words inside a clause with no marker to lean on ("vemos ningún aumento"):
    the sign of a "no" that was lost."""
    language = _language(tag)
    if language is None or language.lonely is None or language.heads is None:
        return []
    blanked = _blank(text, language.idioms) if language.idioms else text
    lone = []
    for match in language.markers.finditer(blanked):
        word = match.group(0)
        assert language.lonely is not None
        if not language.lonely.fullmatch(word) or _leans_on_head(blanked, match, language):
            continue
        if cldr(tag).language != "ru" and _opens_clause(blanked, match.start(), tag):
            continue  # "Nadie sabe"; but "Никто не знает" needs its "не" wherever it stands
        lone.append((match.start(), match.end()))
    return lone


def _leans_on_head(text: str, match: regex.Match[str], language: _Language) -> bool:
    """A concord word with another marker in its sentence before it ("no hay ningún"),
    or in Russian near it in its clause, either side ("никто не пришёл", "не ... никаких")."""
    heads = language.heads
    assert heads is not None
    if language is not _language("ru"):
        return bool(heads.search(text[_sentence_start(text, match.start()) : match.start()]))
    stops = ".;:!?,—"
    start = max(text.rfind(c, 0, match.start()) for c in stops) + 1
    ends = [i for i in (text.find(c, match.end()) for c in stops) if i >= 0]
    clause = text[start : min(ends) if ends else len(text)]
    return bool(heads.search(clause.replace(match.group(0), " " * len(match.group(0)), 1)))


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in ".;:!?") + 1


def _opens_clause(text: str, start: int, tag: str) -> bool:
    """A concord word that opens its clause ("Nadie sabe", "…, nada cambió") needs no "no"."""
    before = text[:start].rstrip()
    if not before or before[-1] in ".,;:!?¡¿(\"“«—–-":
        return True
    last = compiled(rf"{_W}+").findall(before)[-1:]
    openers = {"es": {"y", "e", "o", "pero", "que", "porque", "si", "aunque", "cuando", "casi",
                      "como", "donde", "pues"},
               "pt": {"e", "ou", "mas", "que", "porque", "se", "quase", "como"},
               "it": {"e", "o", "ma", "che", "perché", "se", "quasi", "come"},
               "fr": {"et", "ou", "mais", "que", "car", "si"},
               "ru": {"и", "а", "но", "что", "или", "как", "если", "когда"}}
    return bool(last) and last[0].casefold() in openers.get(cldr(tag).language, set())


def _negated_before(text: str, start: int, spans: list[tuple[int, int]]) -> bool:
    sentence_start = max(text.rfind(c, 0, start) for c in ".;:!?") + 1
    return any(sentence_start <= s < start for s, _ in spans)


def _blank(text: str, pattern: regex.Pattern[str] | None) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


@functools.cache
def _language(tag: str) -> _Language | None:
    locale = cldr(tag)
    table = _LANGUAGES.get(locale.language)
    if table is None:
        return None
    unspaced = locale.language in ("zh", "ja")
    left, right = ("", "") if unspaced else (r"(?<![\p{L}\p{M}])", r"(?![\p{L}\p{M}])")

    def word(alternatives: str | None) -> regex.Pattern[str] | None:
        if not alternatives:
            return None
        return compiled(f"{left}(?:{alternatives}){right}", regex.IGNORECASE)

    markers = word(table["markers"])
    assert markers is not None
    return _Language(
        markers=markers,
        idioms=word(table["idioms"]),
        concord=compiled(f"(?:{table['concord']})", regex.IGNORECASE)
        if table["concord"] else None,
        heads=word(table["heads"]),
        lonely=compiled(f"(?:{table.get('lonely') or table['concord']})", regex.IGNORECASE)
        if table["concord"] else None,
    )
