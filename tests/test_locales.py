"""core.locales: a language's names and direction, judged by CLDR itself (babel's data)."""

from __future__ import annotations

import babel
import babel.localedata
import pytest

from intl_pub.core.errors import ConfigError
from intl_pub.core.locales import locale


def test_the_direction_is_cldrs_for_every_locale_babel_knows() -> None:
    """The direction comes from the script; CLDR's character_order of each locale's own
    data is the judge."""
    checked = 0
    for identifier in babel.localedata.locale_identifiers():
        try:
            ours = locale(identifier.replace("_", "-"))
        except ConfigError:
            continue
        theirs = babel.Locale.parse(identifier).character_order
        assert ours.direction == ("rtl" if theirs == "right-to-left" else "ltr"), identifier
        checked += 1
    assert checked > 1000


def test_a_locale_is_built_without_loading_its_cldr_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every process builds the site's locales at start-up; loading each language's CLDR
    data for that cost ~30 ms a process (an hourly run starts two)."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"CLDR data loaded: {args}")

    locale.cache_clear()
    monkeypatch.setattr(babel.localedata, "load", refused)
    monkeypatch.setattr(babel.localedata, "get_locale_data", refused)
    try:
        found = [locale(tag) for tag in ("es", "zh-Hans", "ru", "ar", "he", "fa-IR", "ur")]
    finally:
        locale.cache_clear()
    assert [f.direction for f in found] == ["ltr", "ltr", "ltr", "rtl", "rtl", "rtl", "rtl"]
    assert found[1].script == "Hans" and found[2].plural_forms.startswith("nplurals=3")
