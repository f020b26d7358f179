"""What counts as risky to publish unreviewed: the reasons, default word lists and ``[risk]``.

The settings half of :mod:`intl_pub.qa.risk` (which compiles and applies
them): here because :mod:`intl_pub.core.config` reads ``[risk]`` with the rest
of intl-pub.toml, and core imports no stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from intl_pub.core.errors import ConfigError

DOSE = "dose"


NEGATION = "negation"


PHONE = "phone"


DATE = "date"


CRITICAL_TERM = "critical-term"


REASONS = (DOSE, NEGATION, PHONE, DATE, CRITICAL_TERM)
"""Every reason, in the order of urgency the review queue uses."""


DEFAULT_UNITS = (
    # mass and volume
    "mg", "mcg", "µg", "μg", "ug", "g", "kg", "ng", "ml", "mL", "l", "L", "dl", "dL", "cl",
    "cm", "mm", "milligrams?", "micrograms?", "grams?", "kilograms?",
    "millilit(?:re|er)s?", "lit(?:re|er)s?",
    # activity, concentration, pressure, energy
    "IU", "iu", "international units?", "units?", "mmol/L", "mmol/l", "mmol", "mg/dL",
    "mg/dl", "mg/kg", "mcg/kg", "mg/ml", "mg/mL", "mEq", "mmHg", "kcal", "calories", "%",
    "per ?cent", "percent",
    # temperature
    "°C", "°F", "° C", "° F", "degrees(?: (?:C|F|Celsius|Fahrenheit|centigrade))?",
    # forms a dose is counted in
    "tablets?", "capsules?", "pills?", "caplets?", "drops?", "puffs?", "doses?", "sachets?",
    "patch(?:es)?", "injections?", "suppositor(?:y|ies)", "lozenges?", "sprays?",
    "teaspoons?(?:ful)?", "tablespoons?(?:ful)?", "spoons?(?:ful)?", "tsp", "tbsp",
    "scoops?", "vials?", "ampoules?", "inhalations?",
)
"""Units that make a number a dose or quantity (regular-expression fragments)."""


DEFAULT_NEGATIONS = (
    "not", "no", "never", "none", "nor", "neither", "nothing", "nobody", "cannot",
    "must not", "do not", "does not", "did not", "avoid", "avoiding", "avoided", "without",
    "stop", "stopping", "stopped", "refrain", "prohibited", "forbidden",
)
"""Negation and prohibition words and phrases; any ``n't`` contraction counts as well."""


DEFAULT_CRITICAL_TERMS: tuple[str, ...] = ()
"""No drug names by default: the glossary's critical terms and ``[risk] critical_terms``."""


DEFAULT_IGNORE: tuple[str, ...] = ()
"""Phrases never read as risky (besides the built-in ``No. 5`` rule)."""


@dataclass(frozen=True)
class RiskSettings:
    """What counts as risky: the defaults in this module plus ``[risk]`` in intl-pub.toml."""

    units: tuple[str, ...] = DEFAULT_UNITS
    """Regular-expression fragments of units that make a number a quantity."""
    negations: tuple[str, ...] = DEFAULT_NEGATIONS
    """Negation words and phrases (matched whole, case-insensitively)."""
    critical_terms: tuple[str, ...] = DEFAULT_CRITICAL_TERMS
    """Terms that make a unit risky wherever they occur (drug names)."""
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    """Phrases blanked out before classifying (``bus stop``)."""
    disabled: frozenset[str] = frozenset()
    """Reasons never reported."""
    patterns: tuple[tuple[str, str], ...] = field(default=())
    """Extra (reason, regular expression) pairs."""

    @classmethod
    def from_table(cls, table: object, where: str = "[risk]") -> RiskSettings:
        """Parse the ``[risk]`` table of intl-pub.toml; ConfigError naming ``where`` if bad."""
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table, e.g. [risk] extra_units = [\"drops\"]")
        known = {"extra_units", "extra_negations", "critical_terms", "ignore", "disable",
                 "patterns"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(known))}"
            )
        units = _strings(table, "extra_units", where)
        disabled = _strings(table, "disable", where)
        bad = sorted(set(disabled) - set(REASONS))
        if bad:
            raise ConfigError(
                f"{where}: disable: unknown reason(s) {', '.join(bad)}; "
                f"reasons are {', '.join(REASONS)}"
            )
        patterns: list[tuple[str, str]] = []
        raw = table.get("patterns", {})
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}.patterns: must be a table of reason = [regex, ...]")
        for reason in raw:
            if reason not in REASONS:
                raise ConfigError(
                    f"{where}.patterns: unknown reason {reason!r}; reasons are {', '.join(REASONS)}"
                )
            for regex in _strings(raw, reason, f"{where}.patterns"):
                try:
                    re.compile(regex)
                except re.error as exc:
                    raise ConfigError(
                        f"{where}.patterns.{reason}: {regex!r} is not a regular expression: {exc}"
                    ) from exc
                patterns.append((reason, regex))
        return cls(
            units=DEFAULT_UNITS + tuple(re.escape(u) for u in units),
            negations=DEFAULT_NEGATIONS + _strings(table, "extra_negations", where),
            critical_terms=DEFAULT_CRITICAL_TERMS + _strings(table, "critical_terms", where),
            ignore=DEFAULT_IGNORE + _strings(table, "ignore", where),
            disabled=frozenset(disabled),
            patterns=tuple(patterns),
        )

    def with_critical_terms(self, terms: Iterable[str]) -> RiskSettings:
        """These settings plus more critical terms (the glossary's)."""
        extra = tuple(t for t in terms if t.strip() and t not in self.critical_terms)
        return replace(self, critical_terms=self.critical_terms + extra)


def _strings(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)
