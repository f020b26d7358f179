"""Money as a unit: "$4.1bn" is "4100 millones de dólares", never "de euros".

A budget or a price changed from dollars to euros is a number with another unit, so the
currencies are unit words of the verifier's lexicon (:mod:`intl_pub.qa.units`): signs and
codes before the number ($, US$, €, £, ¥, CHF), names after it (dollars, euros, yenes,
долларов, 美元). CLDR's unit data has no currencies, and its currency names are the
singular/plural display names only; these are the forms news and health reports write.

A pound is money or a weight ("libras", "фунтов"): a word that names both is the same as
either (:func:`same_word`).
"""

from __future__ import annotations

BEFORE = {
    "$": "currency-usd", "US$": "currency-usd", "USD": "currency-usd", "A$": "currency-aud",
    "AU$": "currency-aud", "C$": "currency-cad", "CA$": "currency-cad", "NZ$": "currency-nzd",
    "HK$": "currency-hkd", "€": "currency-eur", "EUR": "currency-eur", "£": "currency-gbp",
    "GBP": "currency-gbp", "¥": "currency-yen", "JP¥": "currency-jpy", "CN¥": "currency-cny",
    "CNY": "currency-cny", "RMB": "currency-cny", "₹": "currency-inr", "INR": "currency-inr",
    "CHF": "currency-chf", "₽": "currency-rub", "RUB": "currency-rub", "CAD": "currency-cad",
    "AUD": "currency-aud", "NZD": "currency-nzd", "HKD": "currency-hkd", "JPY": "currency-jpy",
}  # fmt: skip
"""Signs and codes written before the number, in every language (¥ is yen or yuan)."""

AFTER = {
    "en": {
        "dollars": "currency-usd", "US dollars": "currency-usd", "euros": "currency-eur",
        "euro": "currency-eur", "pounds sterling": "currency-gbp", "sterling": "currency-gbp",
        "yen": "currency-jpy", "yuan": "currency-cny", "renminbi": "currency-cny",
        "rupees": "currency-inr", "francs": "currency-chf", "Swiss francs": "currency-chf",
        "roubles": "currency-rub",
        "rubles": "currency-rub", "USD": "currency-usd", "EUR": "currency-eur",
        "GBP": "currency-gbp", "€": "currency-eur", "£": "currency-gbp",
    },
    "es": {
        "dólares": "currency-usd", "dólar": "currency-usd", "dólares estadounidenses":
        "currency-usd", "dólares australianos": "currency-aud", "dólares canadienses":
        "currency-cad", "euros": "currency-eur", "euro": "currency-eur",
        "libras esterlinas": "currency-gbp", "yenes": "currency-jpy", "yuanes": "currency-cny",
        "rupias": "currency-inr", "francos suizos": "currency-chf", "rublos": "currency-rub",
        "dólares de Hong Kong": "currency-hkd", "dólares neozelandeses": "currency-nzd",
        "USD": "currency-usd", "EUR": "currency-eur", "€": "currency-eur", "$": "currency-usd",
        "US$": "currency-usd",
    },
    "ru": {
        "долларов": "currency-usd", "доллара": "currency-usd", "доллар": "currency-usd",
        "долл.": "currency-usd", "долларов США": "currency-usd",
        "австралийских долларов": "currency-aud", "канадских долларов": "currency-cad",
        "евро": "currency-eur", "фунтов стерлингов": "currency-gbp",
        "фунта стерлингов": "currency-gbp", "иен": "currency-jpy", "йен": "currency-jpy",
        "юаней": "currency-cny", "юаня": "currency-cny", "рупий": "currency-inr",
        "швейцарских франков": "currency-chf", "рублей": "currency-rub", "рубля": "currency-rub",
        "руб.": "currency-rub", "р.": "currency-rub", "€": "currency-eur", "$": "currency-usd",
        "гонконгских долларов": "currency-hkd", "новозеландских долларов": "currency-nzd",
    },
    "zh": {
        "美元": "currency-usd", "澳元": "currency-aud", "加元": "currency-cad",
        "新西兰元": "currency-nzd", "港元": "currency-hkd", "港币": "currency-hkd",
        "欧元": "currency-eur", "英镑": "currency-gbp", "日元": "currency-jpy",
        "人民币": "currency-cny", "元人民币": "currency-cny", "卢比": "currency-inr",
        "瑞士法郎": "currency-chf", "卢布": "currency-rub", "元": "currency-cny",
        "块": "currency-cny",
    },
}  # fmt: skip
"""Names written after the number, per language (with "de": "millones de dólares"); the signs
of :data:`BEFORE` may follow the number too ("20 £", "1500 ₽"); in Chinese a bare 元 is yuan."""

POUNDS = frozenset({"mass-pound", "currency-gbp"})
""""Pound", "libra", "фунт": a weight and a currency."""


def same_word(first: str, second: str) -> bool:
    """Whether two unit ids may be the same word's (a pound of money and a pound of weight)."""
    return {first, second} == POUNDS
