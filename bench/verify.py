"""Verified publishing on real medical text: false holds and seeded critical errors caught.

    python bench/verify.py [--data DIR] [--locales es,ru,zh-Hans] [--examples 10] [--cli]

On the TICO-19 development pairs (professional translations standing in for machine
translation), per locale and per half of the pairs (the halves are fixed by a hash of
the English: "A" is the half the rules were tuned on, "B" the other):

* false holds: the share of correct sentences the verifier holds back, with the count
  per failure kind and examples; beside it the old rule (``risk.classify`` non-empty);
* seeded errors caught, per kind, for three independent seeder styles: "marker" changes
  what a checker looks at (a digit, a unit symbol, a negation marker, a month name),
  "word" changes text the way a careless engine would (a number of a different length,
  a whole word with a negation deleted, another drug named), "edit" (bench/seed_edits.py,
  negations only) edits a negation away so that the sentence still reads ("no puede" ->
  "puede", 不能 -> 能, "недоступен" -> "доступен"), and "added" puts a negation where the
  English has none ("No tome" for "Take", 不是, 没有): an instruction reversed. A seed that
  leaves the text unchanged is not counted. The old rule catches a seeded error when it holds the
  sentence, whatever the translation says.

``--cli`` measures the same pairs and seeds through the CLI as users run it
(bench/verify_cli.py: translate with the pseudo engine, the catalogs' machine entries
replaced by the translations, publish, the published pages read) and prints the
figures beside the direct ones.

Targets (issue 23): false holds <= 5% of correct sentences, caught >= 99.5%.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex
from seed_edits import seed_negation_edit  # bench/, on sys.path when run from it

from intl_pub.core.locales import cldr, locale
from intl_pub.core.model import Glossary, Locale
from intl_pub.core.risk_settings import RiskSettings
from intl_pub.qa.risk import classify
from intl_pub.qa.verify import KINDS, verify

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tico19-dev"
FALLBACK_DATA = Path("/work/shared/data/tico19-dev")

# Seeders know the languages on their own (not through the verifier's modules).
NEGATION_MARKERS = {
    "es": r"\b(?:no|nunca|ni|sin|tampoco|jamás)\b",
    "ru": r"(?<![\w-])(?:не|нет|ни|без|никогда)(?![\w-])",
    "zh-Hans": r"不|没|无|未|别|勿|非|禁止",
}
NEGATION_WORDS = {
    "es": r"\b(?:no|nunca|ni|sin|tampoco|jamás|ningun[oa]?|ningún|nadie|nada|evit\w+)\b",
    "ru": r"(?<![\w-])(?:не|нет|ни|без|никогда|нельзя|ничего|никто|никаких|никаких|избега\w+)"
          r"(?![\w-])",
    "zh-Hans": r"(?:不|没|无|未|别|勿|非)[\u4e00-\u9fff]?|禁止|避免",
}
UNIT_SWAPS = {
    "es": [("mg", "g"), ("ml", "l"), ("mL", "L"), ("µg", "mg"), ("miligramos", "gramos"),
           ("días", "semanas"), ("día", "semana"), ("horas", "minutos"), ("hora", "minuto"),
           ("semanas", "meses"), ("minutos", "segundos"), ("segundos", "minutos"),
           ("meses", "años"), ("años", "meses"), ("°C", "°F"), ("km", "m"), ("nm", "mm"),
           ("%", "‰"), ("m", "cm"), ("pies", "metros"), ("millones", "mil"), ("mil", "millones")],
    "ru": [("мг", "г"), ("мл", "л"), ("дней", "недель"), ("дня", "недели"), ("день", "неделю"),
           ("часов", "минут"), ("часа", "минуты"), ("минут", "секунд"), ("секунд", "минут"),
           ("недель", "месяцев"), ("месяцев", "лет"), ("лет", "месяцев"), ("года", "месяца"),
           ("°C", "°F"), ("км", "м"), ("нм", "мм"), ("%", "‰"), ("м", "см"),
           ("млн", "тыс."), ("тыс.", "млн"), ("миллионов", "тысяч")],
    "zh-Hans": [("毫克", "克"), ("毫升", "升"), ("mg", "g"), ("天", "周"), ("小时", "分钟"),
                ("分钟", "秒"), ("秒", "分钟"), ("周", "月"), ("个月", "年"), ("年", "个月"),
                ("°C", "°F"), ("公里", "米"), ("nm", "mm"), ("%", "‰"), ("米", "厘米"),
                ("万", "千"), ("亿", "万")],
}
UNIT_SWAPS_WORD = {  # the second style: the unit word replaced by one of another dimension
    "es": [("días", "horas"), ("semanas", "días"), ("horas", "días"), ("°C", "°"), ("mg", "mcg"),
           ("minutos", "horas"), ("segundos", "horas"), ("m", "km"), ("%", " veces"),
           ("años", "días"), ("meses", "semanas")],
    "ru": [("дней", "часов"), ("недель", "дней"), ("часов", "дней"), ("мг", "мкг"),
           ("минут", "часов"), ("секунд", "часов"), ("м", "км"), ("%", " раз"),
           ("лет", "дней"), ("месяцев", "недель"), ("года", "дня")],
    "zh-Hans": [("天", "小时"), ("周", "天"), ("小时", "天"), ("毫克", "微克"), ("分钟", "小时"),
                ("秒", "小时"), ("米", "公里"), ("%", "倍"), ("年", "天"), ("个月", "周")],
}
GLOSSARY = Glossary(
    terms={
        "zh-Hans": {
            "remdesivir": "瑞德西韦", "chloroquine": "氯喹", "hydroxychloroquine": "羟氯喹",
            "ribavirin": "利巴韦林", "lopinavir": "洛匹那韦", "ritonavir": "利托那韦",
            "favipiravir": "法匹拉韦", "tocilizumab": "托珠单抗", "umifenovir": "阿比朵尔",
            "colchicine": "秋水仙碱", "heparin": "肝素", "enoxaparin": "依诺肝素",
            "chlorhexidine": "氯已定", "chloroform": "氯仿",
        }
    }
)
"""A site's glossary of drug names in Chinese (what a hospital would configure): without
one, a Chinese drug name cannot be checked, and the term seeders cannot find it."""


@dataclass
class Tally:
    """Counts for one locale, one half."""

    pairs: int = 0
    held: int = 0
    held_old: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)
    seeded: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    calls: int = 0
    missed: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))


Seeder = Callable[[str, str, str, random.Random], str | None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DATA if DATA.exists() else FALLBACK_DATA)
    parser.add_argument("--locales", default="es,ru,zh-Hans")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--cli", action="store_true",
                        help="also measure through intl-pub translate/publish (a few minutes)")
    args = parser.parse_args()
    started = time.perf_counter()
    calls = 0
    tags = args.locales.split(",")
    halves: dict[str, dict[str, list[tuple[str, str]]]] = {}
    direct: dict[str, dict[str, Tally]] = {}
    for tag in tags:
        pairs = read_pairs(args.data / f"en-{tag}.tsv")
        halves[tag] = {name: [p for p in pairs if half(p[0]) == name] for name in ("A", "B")}
        direct[tag] = {name: measure(halves[tag][name], locale(tag)) for name in ("A", "B")}
        calls += sum(t.calls for t in direct[tag].values())
        report(tag, direct[tag], args.examples)
    elapsed = time.perf_counter() - started
    each = elapsed / max(1, calls) * 1e3
    print(f"\n{calls} verifications in {elapsed:.1f} s ({each:.2f} ms each)")
    if args.cli:
        report_cli(tags, halves, direct)
    return 0


def report_cli(tags: list[str], halves: dict[str, dict[str, list[tuple[str, str]]]],
               direct: dict[str, dict[str, Tally]]) -> None:
    """The same pairs and seeds through the CLI (bench/verify_cli.py), beside the direct
    figures: false holds, and seeded errors caught per style."""
    import verify_cli

    glossaries = {t: GLOSSARY.terms.get(t, {}) for t in tags}
    started = time.perf_counter()
    cli = verify_cli.measure(tags, halves, glossaries)
    print(f"\n=== through the CLI (translate --engine pseudo, catalogs' machine entries replaced,"
          f" publish; {time.perf_counter() - started:.0f} s) ===")
    print("locale  half  false holds: direct / cli     "
          + "".join(f" caught ({style}): direct / cli     " for style in SEEDERS))
    for tag in tags:
        for name in ("A", "B"):
            tally, shares = direct[tag][name], verify_cli.shares(cli[tag], name)
            cells = [_cell(tally.held, tally.pairs), _cell(*shares.get("correct", (0, 0)))]
            for style in SEEDERS:
                rows = [c for k, c in tally.seeded.items() if k.startswith(style + ":")]
                cells += [_cell(sum(c["caught"] for c in rows), sum(c["seeded"] for c in rows)),
                          _cell(*shares.get(style, (0, 0)))]
            print(f"{tag:7s} {name:4s}  " + " ".join(
                f"{cells[i]:>15s} / {cells[i + 1]:<15s}" for i in range(0, len(cells), 2)))
        if cli[tag].lost:
            print(f"  {tag}: {cli[tag].lost} paragraphs did not come back as one block")


def _cell(part: int, whole: int) -> str:
    return f"{part}/{whole} {part / max(1, whole):.1%}"


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        english, _, translation = line.partition("\t")
        if english.strip() and translation.strip():
            pairs.append((english, translation))
    return pairs


def half(english: str) -> str:
    return "A" if hashlib.sha256(english.encode()).digest()[0] % 2 == 0 else "B"


def measure(pairs: list[tuple[str, str]], target: Locale) -> Tally:
    tally = Tally()
    settings = RiskSettings()
    for index, (english, translation) in enumerate(pairs):
        tally.pairs += 1
        old = bool(classify(english, settings))
        tally.held_old += old
        failures = verify(english, translation, target, GLOSSARY)
        tally.calls += 1
        if failures:
            tally.held += 1
            tally.kinds.update({f.kind for f in failures})
            tally.examples.append((english, translation, failures[0].message))
        for style, kind, source, correct, seeded in seeds(english, translation, target.tag, index):
            caught = bool(verify(source, seeded, target, GLOSSARY))
            tally.calls += 1
            counts = tally.seeded[f"{style}:{kind}"]
            counts["seeded"] += 1
            counts["caught"] += caught
            counts["caught_old"] += old
            if not caught:
                tally.missed[f"{style}:{kind}"].append((source, correct, seeded))
    return tally


def seeds(
    english: str, translation: str, tag: str, index: int
) -> Iterator[tuple[str, str, str, str, str]]:
    """Every seeded error of the pair at ``index`` of its half: (style, kind, English,
    correct translation, seeded translation); the same in the direct and the CLI measure."""
    for style, seeders in SEEDERS.items():
        for kind, seeder in seeders.items():
            if kind == "token" and index % 5:
                continue  # every fifth pair is given a link: tokens need no thousand seeds
            rng = random.Random(f"{tag}/{style}/{kind}/{index}")
            seeded = seeder(english, translation, tag, rng)
            source, correct = english, translation
            if kind == "token":  # both texts were given a link: compare with the English's
                source, correct = wrap(english) or english, wrap(translation) or translation
            if seeded is None or seeded == correct:
                continue
            yield style, kind, source, correct, seeded


# --- seeders, style "marker" --------------------------------------------------------------

NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")


def seed_digit(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """One digit of one number of the translation changed."""
    spots = [m.start() + i for m in NUMBER.finditer(translation)
             for i, c in enumerate(m.group(0)) if c.isdigit()]
    if not spots:
        return None
    spot = rng.choice(spots)
    digit = rng.choice([d for d in "0123456789" if d != translation[spot]])
    return translation[:spot] + digit + translation[spot + 1 :]


def seed_drop_number(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """One number of the translation deleted, or (a whole number) replaced by ten times itself."""
    found = list(NUMBER.finditer(translation))
    if not found:
        return None
    match = rng.choice(found)
    written = match.group(0)
    whole = regex.fullmatch(r"\d+", written) is not None
    new = "" if rng.random() < 0.5 or not whole else written + "0"
    return translation[: match.start()] + new + translation[match.end() :]


def seed_unit(english: str, translation: str, tag: str, rng: random.Random,
              swaps: dict[str, list[tuple[str, str]]] | None = None) -> str | None:
    """A unit after a number swapped for another magnitude (mg -> g, días -> semanas)."""
    spots = []
    for old, new in (swaps or UNIT_SWAPS)[tag]:
        tail = "" if regex.match(r"[\u4e00-\u9fff%]", old[-1]) else r"(?![\w])"
        for m in regex.finditer(rf"(?<=\d\s?){regex.escape(old)}{tail}", translation):
            spots.append((m.start(), m.end(), new))
    if not spots:
        return None
    start, end, new = rng.choice(spots)
    return translation[:start] + new + translation[end:]


def seed_negation(english: str, translation: str, tag: str, rng: random.Random,
                  markers: dict[str, str] | None = None) -> str | None:
    """A negation marker of the translation deleted (the English has a negation)."""
    if not regex.search(r"\b(?:not|no|never|without|avoid\w*|cannot|none|nothing|nobody|"
                        r"neither|nor)\b|n't\b", english, regex.IGNORECASE):
        return None
    found = list(regex.finditer((markers or NEGATION_MARKERS)[tag], translation))
    if not found:
        return None
    match = rng.choice(found)
    cut = translation[: match.start()] + translation[match.end() :]
    return regex.sub(r"  +", " ", cut)


def seed_month(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """A month or weekday name of the translation changed into another one."""
    names = cldr(tag)
    spots = []
    for table, count in ((names.months["format"]["wide"], 12), (names.days["format"]["wide"], 7)):
        for number, name in table.items():
            for m in regex.finditer(rf"(?<!\w){regex.escape(name)}(?!\w)", translation,
                                    regex.IGNORECASE):
                other = table[(number - (0 if count == 7 else 1) + rng.randrange(1, count))
                              % count + (0 if count == 7 else 1)]
                spots.append((m.start(), m.end(), other))
    if tag.startswith("zh"):
        for m in regex.finditer(r"(\d{1,2})(\s?月)", translation):
            new = (int(m.group(1)) % 12) + 1
            spots.append((m.start(), m.end(), f"{new}{m.group(2)}"))
    if not spots:
        return None
    start, end, new = rng.choice(spots)
    return translation[:start] + new + translation[end:]


def seed_phone(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """One digit of a phone or emergency number changed."""
    phone = r"\+?\d[\d\s().-]{6,}\d|(?<!\d)(?:911|999|112|111|988)(?!\d)"
    found = list(regex.finditer(phone, translation))
    if not found:
        return None
    match = rng.choice(found)
    spots = [match.start() + i for i, c in enumerate(match.group(0)) if c.isdigit()]
    spot = rng.choice(spots)
    digit = rng.choice([d for d in "0123456789" if d != translation[spot]])
    return translation[:spot] + digit + translation[spot + 1 :]


DRUG = regex.compile(
    r"\b(?:remdesivir|chloroquine|hydroxychloroquine|ribavirin|lopinavir|ritonavir|"
    r"favipiravir|tocilizumab|umifenovir|colchicine|heparin|enoxaparin|chlorhexidine|"
    r"chloroform|oseltamivir|ibuprofen|paracetamol|acetaminophen|azithromycin|"
    r"dexamethasone|ivermectin|baricitinib|isopropanol)\b",
    regex.IGNORECASE,
)


def seed_term(english: str, translation: str, tag: str, rng: random.Random,
              replace_with: str = "") -> str | None:
    """A drug name of the English deleted from the translation (found by its glossary form,
    or by the translation word that looks most like it)."""
    drugs = [m.group(0).lower() for m in DRUG.finditer(english)]
    if not drugs:
        return None
    drug = rng.choice(drugs)
    glossary = GLOSSARY.terms.get(tag, {})
    if drug in glossary and glossary[drug] in translation:
        start = translation.index(glossary[drug])
        end = start + len(glossary[drug])
    else:
        best = max(regex.finditer(r"[\w-]+", translation),
                   key=lambda m: similarity(latin(m.group(0).lower()), drug), default=None)
        if best is None or similarity(latin(best.group(0).lower()), drug) < 0.5:
            return None
        start, end = best.span()
    return translation[:start] + replace_with + translation[end:]


def seed_token(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """A markup token broken: the pair is given a link, and the translation loses its end."""
    en, tr = wrap(english), wrap(translation)
    if en is None or tr is None:
        return None
    broken = rng.choice([tr.replace("</1>", ""), tr.replace("<1>", "<2>").replace("</1>", "</2>"),
                         tr.replace("<1>", "", 1)])
    return broken


# --- seeders, style "word" ----------------------------------------------------------------


def seed_number_word(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """A number of the translation replaced by a random one of another length."""
    found = list(regex.finditer(r"\d+", translation))
    if not found:
        return None
    match = rng.choice(found)
    length = len(match.group(0))
    other = rng.choice([n for n in (1, 2, 3, 4) if n != length])
    new = str(rng.randrange(10 ** (other - 1), 10**other))
    return translation[: match.start()] + new + translation[match.end() :]


def seed_negation_word(english: str, translation: str, tag: str, rng: random.Random
                       ) -> str | None:
    """A whole word carrying a negation deleted (the English has a negation)."""
    return seed_negation(english, translation, tag, rng, NEGATION_WORDS)


def seed_unit_word(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    return seed_unit(english, translation, tag, rng, UNIT_SWAPS_WORD)


def seed_term_word(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """The drug name replaced by another drug's."""
    other = {"es": "ibuprofeno", "ru": "ибупрофен", "zh-Hans": "布洛芬"}[tag]
    return seed_term(english, translation, tag, rng, replace_with=other)


def seed_date_word(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """The day of a date (a number next to a month name) moved by one to three days."""
    names = "|".join(regex.escape(n) for n in cldr(tag).months["format"]["wide"].values())
    found = list(regex.finditer(rf"\d{{1,2}}(?=\s?(?:de\s)?(?:{names})|日|号)", translation,
                                regex.IGNORECASE))
    if not found:
        return None
    match = rng.choice(found)
    day = (int(match.group(0)) + rng.randrange(1, 4) - 1) % 28 + 1
    return translation[: match.start()] + str(day) + translation[match.end() :]


def seed_token_word(english: str, translation: str, tag: str, rng: random.Random) -> str | None:
    """A link token swapped for another number, in a translation given a link."""
    tr = wrap(translation)
    return tr.replace("<1>", "<3>").replace("</1>", "</3>") if tr else None


PERIOD_SWAPS = {  # the second style: how often changed ("al día" -> "a la semana", 两次 -> 三次)
    "es": [("al día", "a la semana"), ("a la semana", "al día"), ("al mes", "a la semana"),
           ("una vez", "dos veces"), ("dos veces", "tres veces"), ("tres veces", "dos veces")],
    "ru": [("в день", "в неделю"), ("в неделю", "в день"), ("в сутки", "в неделю"),
           ("дважды", "трижды"), ("трижды", "дважды"), ("один раз", "два раза"),
           ("два раза", "три раза")],
    "zh-Hans": [("每天", "每周"), ("每日", "每周"), ("每周", "每天"), ("一次", "两次"),
                ("两次", "三次"), ("三次", "两次")],
}  # fmt: skip


CURRENCY_SWAPS = {  # the second style: another currency ("dólares" -> "euros")
    "es": [("dólares", "euros"), ("euros", "dólares"), ("libras", "euros")],
    "ru": [("долларов", "евро"), ("доллара", "евро"), ("евро", "долларов"), ("фунтов", "евро")],
    "zh-Hans": [("美元", "欧元"), ("欧元", "美元"), ("英镑", "美元"), ("加元", "美元")],
}


def seed_currency_word(english: str, translation: str, tag: str, rng: random.Random
                       ) -> str | None:
    """Money in another currency: a currency name of the translation replaced."""
    whole = tag != "zh-Hans"  # (not the "евро" of "европейских")
    return _swap_one(translation, CURRENCY_SWAPS[tag], rng, whole)


def seed_frequency_word(english: str, translation: str, tag: str, rng: random.Random
                        ) -> str | None:
    """How often changed: a period or a multiplier of the translation replaced by another,
    where the English says how often ("twice a day")."""
    if not regex.search(r"\b(?:once|twice|thrice|\w+\s+times|a\s+(?:day|week|month)|daily|"
                        r"weekly|monthly|per\s+(?:day|week|month))\b", english, regex.IGNORECASE):
        return None
    return _swap_one(translation, PERIOD_SWAPS[tag], rng, whole=False)


def _swap_one(translation: str, swaps: list[tuple[str, str]], rng: random.Random,
              whole: bool) -> str | None:
    """One place of the translation where a word of ``swaps`` stands (``whole``: as a whole
    word), written as its replacement; None when there is none."""
    left, right = (r"(?<!\w)", r"(?!\w)") if whole else ("", "")
    spots = [(m.start(), m.end(), new) for old, new in swaps
             for m in regex.finditer(left + regex.escape(old) + right, translation)]
    if not spots:
        return None
    start, end, new = rng.choice(spots)
    return translation[:start] + new + translation[end:]


# --- seeders, style "added" ---------------------------------------------------------------
ADDED_BEFORE = {  # where a negation goes: before a finite verb, a modal or a clitic
    "es": (r"(?<![\p{L}])(?:es|son|est[aá]n?|estaba|puede|pueden|podr[ií]a|debe|deben|deber[ií]a|"
           r"hay|hab[ií]a|tiene|tienen|ha|han|fue|fueron|ser[aá]n?|se|lo|la|los|las|le|les)"
           r"(?![\p{L}])", "no "),
    "ru": (r"(?<![\p{L}])(?:является|являются|был[аио]?|может|могут|можно|должн\p{L}*|будет|"
           r"будут|есть|\p{L}{3,}(?:ет|ют|ит|ят|ется|ются|ится|ятся))(?![\p{L}])", "не "),
    "zh-Hans": (r"是|会|能|可以|应该|应|需要|要|可能|在|被", "不"),
}  # fmt: skip


def seed_added_negation(english: str, translation: str, tag: str, rng: random.Random
                        ) -> str | None:
    """A negation inserted where the English has none ("No tome" for "Take"): the
    instruction reversed. Chinese 有 becomes 没有."""
    if regex.search(r"\b(?:not|no|never|without|avoid\w*|none|nothing|nobody|neither|nor|"
                    r"cannot|un\w+|non\w*)\b|n't\b", english, regex.IGNORECASE):
        return None
    pattern, marker = ADDED_BEFORE[tag]
    spots = list(regex.finditer(pattern, translation, regex.IGNORECASE))
    if tag == "zh-Hans":
        spots += list(regex.finditer(r"(?<![没沒])有", translation))
    if not spots:
        return None
    spot = rng.choice(spots)
    word = "没" if spot.group(0) == "有" else marker
    return translation[: spot.start()] + word + translation[spot.start() :]


SEEDERS: dict[str, dict[str, Seeder]] = {
    "marker": {
        "digit": seed_digit, "number": seed_drop_number, "unit": seed_unit,
        "negation": seed_negation, "date": seed_month, "phone": seed_phone, "term": seed_term,
        "token": seed_token,
    },
    "word": {
        "number": seed_number_word, "negation": seed_negation_word, "unit": seed_unit_word,
        "date": seed_date_word, "term": seed_term_word, "token": seed_token_word,
        "frequency": seed_frequency_word, "currency": seed_currency_word,
    },
    "edit": {"negation": seed_negation_edit},
    "added": {"added-negation": seed_added_negation},
}


def wrap(text: str) -> str | None:
    """The text with its first word in a <1>…</1> link (both texts are wrapped alike)."""
    match = regex.search(r"[\p{L}\p{N}]+", text)
    if match is None:
        return None
    return text[: match.start()] + "<1>" + match.group(0) + "</1>" + text[match.end() :]


def latin(word: str) -> str:
    table = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     "abvgdeejziiklmnoprstufhccss'y'eua", strict=True))
    return "".join(table.get(c, c) for c in word)


def similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio()


def report(tag: str, tallies: dict[str, Tally], examples: int) -> None:
    """Per half: false holds (verifier, old rule), then seeded errors caught per style."""
    print(f"\n=== {tag} ===")
    for name, tally in tallies.items():
        share = tally.held / max(1, tally.pairs)
        old = tally.held_old / max(1, tally.pairs)
        kinds = ", ".join(f"{k} {tally.kinds[k]}" for k in KINDS if tally.kinds[k])
        print(f"half {name}: {tally.pairs} correct pairs held: verifier {tally.held} ({share:.1%})"
              f" [{kinds}]; old rule {tally.held_old} ({old:.1%})")
        for style in SEEDERS:
            rows = {k.split(":")[1]: v for k, v in tally.seeded.items() if k.startswith(style)}
            seeded = sum(c["seeded"] for c in rows.values())
            caught = sum(c["caught"] for c in rows.values())
            old_caught = sum(c["caught_old"] for c in rows.values())
            per_kind = ", ".join(
                f"{k} {c['caught']}/{c['seeded']}" for k, c in sorted(rows.items())
            )
            print(f"  seeded ({style}): caught {caught}/{seeded} ({caught / max(1, seeded):.1%}),"
                  f" old rule {old_caught}/{seeded} ({old_caught / max(1, seeded):.1%})"
                  f"  [{per_kind}]")
        lost = [c for k, c in tally.seeded.items() if k.endswith(":negation")]
        seeded, caught = sum(c["seeded"] for c in lost), sum(c["caught"] for c in lost)
        print(f"  negations removed, every style: caught {caught}/{seeded}"
              f" ({caught / max(1, seeded):.1%}): the kind a rule sees least")
    shown = [e for t in tallies.values() for e in t.examples][:examples]
    if shown:
        print(f"  false holds, {len(shown)} examples:")
        for english, translation, message in shown:
            print(f"    - {english[:110]}\n      {translation[:110]}\n      -> {message}")
    misses = [(k, m) for t in tallies.values() for k, ms in t.missed.items() for m in ms]
    if misses:
        print(f"  seeded errors missed: {len(misses)}; {min(examples, len(misses))} examples:")
        for kind, (english, _, seeded) in misses[:examples]:
            print(f"    - [{kind}] {english[:100]}\n      {seeded[:110]}")


if __name__ == "__main__":
    sys.exit(main())
