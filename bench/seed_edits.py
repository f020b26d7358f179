"""A third, independent seeder style for bench/verify.py: negations removed as an editor would.

The "marker" and "word" styles delete a marker (or a whole word holding one). A held-out
seeder may instead *edit* the sentence so that it still reads well: "no puede" becomes
"puede", "не " goes from before a verb, 不能 becomes 能, 没有 becomes 有, "nunca" becomes
"siempre", "без" becomes "с", a bound negative loses its prefix ("недоступен" is
"доступен", 无法 is 可以). This module knows the languages on its own, from a short list of
edits written for the bench, not from the verifier's tables, so that the figures it gives
are a cross-check of the verifier rather than of its own lists.
"""

from __future__ import annotations

import random

import regex

ENGLISH_NEGATION = regex.compile(
    r"\b(?:not|no|never|without|cannot|none|nothing|nobody|neither|nor|avoid\w*|unable|"
    r"unless)\b|n't\b",
    regex.IGNORECASE,
)

_L = r"[\p{L}\p{M}]"
EDITS: dict[str, list[tuple[str, str]]] = {
    "es": [
        (rf"(?<!{_L})[Nn]o\s+(?=(?:se|le|lo|la|les|los|me|te|nos)?\s*{_L}+)", ""),
        (rf"(?<!{_L})(?:nunca|jamás)(?!{_L})", "siempre"),
        (rf"(?<!{_L})sin(?!{_L})", "con"),
        (rf"(?<!{_L})ningun(?=[oa]s?(?!{_L}))", "algun"),
        (rf"(?<!{_L})ningún(?!{_L})", "algún"),
        (rf"(?<!{_L})nadie(?!{_L})", "alguien"),
        (rf"(?<!{_L})nada(?!{_L})", "algo"),
        (rf"(?<!{_L})ni(?!{_L})", "o"),
        (rf"(?<!{_L})tampoco(?!{_L})", "también"),
        (rf"(?<!{_L})evit(?={_L})", "procur"),
        (rf"(?<!{_L})(?:in|im|des)(?=(?:eficaz|efectiv|necesari|segur|suficient|posibl|"
         rf"adecuad|conocid|habitual|frecuent|disponibl|apropiad){_L}*)", ""),
    ],
    "ru": [
        (rf"(?<!{_L})[Нн]е\s+(?={_L}{{3,}})", ""),
        (rf"(?<!{_L})[Нн]ет(?!{_L})", "есть"),
        (rf"(?<!{_L})без(?!{_L})", "с"),
        (rf"(?<!{_L})никогда(?!{_L})", "всегда"),
        (rf"(?<!{_L})нельзя(?!{_L})", "можно"),
        (rf"(?<!{_L})ни\s+(?=одн{_L}*)", ""),
        (rf"(?<!{_L})никто(?!{_L})", "кто-то"),
        (rf"(?<!{_L})ничего(?!{_L})", "что-то"),
        (rf"(?<!{_L})никаких(?!{_L})", "каких-то"),
        (rf"(?<!{_L})избега(?={_L})", "соблюда"),
        (rf"(?<!{_L})отсутству(?={_L})", "присутству"),
        (rf"(?<!{_L})не(?=(?:доступ|извест|эффектив|обязательн|значительн|достаточн|возможн|"
         rf"безопасн|правильн|нормальн|обходим|благоприятн|здоров|заразн|активн){_L}*)", ""),
        (rf"(?<!{_L})бес(?=симптомн{_L}*)", ""),
    ],
    "zh-Hans": [
        (r"不(?=[能会要是应得可用必])", ""),
        (r"没有", "有"),
        (r"没(?=[\p{Han}])", ""),
        (r"无法", "可以"),
        (r"无需|无须|不需要|不必", "需要"),
        (r"未(?=[\p{Han}])(?!来|必)", "已"),
        (r"别(?=[\p{Han}])(?![人的处])", "要"),
        (r"禁止", "允许"),
        (r"避免", "进行"),
        (r"并非", "是"),
        (r"毫无|没有任何", "有"),
        (r"从不|从未", "一直"),
        (r"无(?=症状|效)", "有"),
        (r"不(?=[\p{Han}])(?![同久少过断论管仅但只光禁妨一停良安适])", ""),
    ],
}
"""Per language: (where, replacement) edits that remove a negation and leave a sentence."""


def seed_negation_edit(english: str, translation: str, tag: str, rng: random.Random
                       ) -> str | None:
    """One negation of the translation edited away (the English has a negation)."""
    if not ENGLISH_NEGATION.search(english):
        return None
    spots = [(m.start(), m.end(), new) for pattern, new in EDITS[tag]
             for m in regex.finditer(pattern, translation)]
    if not spots:
        return None
    start, end, new = rng.choice(sorted(set(spots)))
    edited = translation[:start] + new + translation[end:]
    return edited[:1].upper() + edited[1:] if start == 0 else edited
