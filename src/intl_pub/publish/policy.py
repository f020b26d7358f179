"""The publishing policy: what each block of a page shows, decided per unit before rendering.

Like translate-toolkit's po2html ``lookup``: the reviewed translation; else the
machine translation if it passes QA and the locale's gate lets it through
(``verify``, the default: it says in the locale's form every number, unit,
date, phone number, negation and name of the English, :mod:`intl_pub.qa.verify`,
and the engine was sure enough of it); else the English original, marked
``lang="en" dir="ltr"``. The decisions are made once per unit:
:meth:`Policy.stats` counts them (so a page below its publishing threshold is
never rebuilt, as po2html's ``should_output_store`` runs before converting),
and :meth:`Policy.lookup` hands them to the walker that rebuilds the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup

from intl_pub import segment
from intl_pub.core.config import Settings
from intl_pub.core.model import Glossary, Locale, Translation, Unit
from intl_pub.core.risk_settings import RiskSettings
from intl_pub.publish import reader_notes
from intl_pub.publish.site import BlockStats
from intl_pub.publish.verdicts import QA, Verdict, Verdicts
from intl_pub.segment import markup, tokens

if TYPE_CHECKING:
    from intl_pub.qa import checks

HELD_BACK = "held_back"
"""A decision's state besides reader_notes' REVIEWED, MACHINE, SOURCE: machine translation the
gate holds back (it failed verification, or it is risky in ``hold`` mode)."""
LOW_CONFIDENCE = "low-confidence"
"""The reason given for machine translation the engine was less sure of than the threshold."""
VERIFIED_CHECKS = frozenset({"numbers"})
"""QA checks the verifier does better (``verify`` mode skips them when publishing)."""
ENGLISH_MARKS = {"lang": "en", "dir": "ltr"}
"""An English block on a page of another language: read left to right, even in Arabic."""


@dataclass(frozen=True)
class Gate:
    """The publishing gate of one locale (``[site] gate``, ``[site.locales.<l>] gate``)."""

    mode: str = "verify"
    """``verify`` (machine translation checked against the English), ``hold`` (risky units
    wait for review) or ``open`` (whatever passes QA)."""
    risk: RiskSettings = field(default_factory=RiskSettings)
    min_confidence: float = 0.0
    """Machine translation the engine was less sure of waits for review (``verify`` mode)."""


@dataclass(frozen=True)
class Decision:
    """What one unit shows, and why (``state``: reviewed, machine, source, held_back)."""

    state: str
    rendering: segment.Rendering
    withdrawn: bool
    """The unit's review was withdrawn: its English changed since."""
    reasons: tuple[str, ...] = ()
    """Why machine translation was held back: verification failures' kinds, risk reasons,
    ``low-confidence``."""


class Policy:
    """One language's publishing policy for one post: reviewed > verified MT > English.

    A risky unit (:func:`intl_pub.qa.risk.classify`: a dose, a negation, a
    phone number...) is shown in English until it is reviewed, unless the gate
    lets it through. Every block is marked ``data-l10n`` (reviewed, machine,
    source) and ``data-l10n-id`` (:func:`intl_pub.publish.reader_notes.block_id`);
    attribute units (``img@alt``) get only ``lang``/``data-mt``. A withdrawn
    review (the English changed) is never offered by the catalog
    (:func:`intl_pub.catalog.offered`): only fresh machine translation or English.
    """

    def __init__(
        self,
        locale: Locale,
        found: Mapping[tuple[str, str], Translation],
        glossary: Glossary | None = None,
        gate: Gate | None = None,
        risky: Mapping[str, frozenset[str]] | None = None,
        verdicts: Verdicts | None = None,
    ) -> None:
        self.locale = locale
        self.found = found
        self.glossary = glossary
        self.gate = gate or Gate()
        self.risky = risky
        """The risk gate's answers found once for every language of the post, if any."""
        self.verdicts = verdicts
        """Machine translations' verdicts kept from earlier runs (:mod:`.verdicts`), if any."""
        self._decided: dict[tuple[str, str, bool], Decision] = {}

    def decide(self, unit: Unit) -> Decision:
        """The unit's decision (made once per text and kind of unit)."""
        block = "@" not in unit.note
        key = (unit.context, unit.msgid, block)
        decided = self._decided.get(key)
        if decided is None:
            decided = self._decided[key] = self._decide(unit, block)
        return decided

    def lookup(self, unit: Unit) -> segment.Rendering:
        """What the walker puts in place of ``unit`` (:func:`intl_pub.segment.apply_tree`)."""
        return self.decide(unit).rendering

    def stats(self, units: Iterable[Unit]) -> BlockStats:
        """How the blocks of a page with ``units`` are published (decided, not rendered)."""
        counts = {"reviewed": 0, "machine": 0, "source": 0, "held_back": 0, "withdrawn": 0}
        units = list(units)
        if self.verdicts is not None and self.gate.mode == "verify":  # (a few queries)
            self.verdicts.prefetch(
                _as_published(
                    (unit.msgid, hit.text)
                    for unit in units
                    if (hit := self.found.get((unit.context, unit.msgid))) and not hit.reviewed
                )
            )
        for unit in units:
            decision = self.decide(unit)
            counts["withdrawn"] += decision.withdrawn
            if decision.state == HELD_BACK:
                counts["held_back"] += 1
                counts["source"] += 1
            else:
                counts[decision.state] += 1
        return BlockStats(**counts)

    def _decide(self, unit: Unit, block: bool) -> Decision:
        marks = {reader_notes.ID_ATTR: reader_notes.block_id(unit.context, unit.msgid)}

        def mark(state: str, extra: dict[str, str]) -> dict[str, str]:
            return {**extra, reader_notes.STATE_ATTR: state, **marks} if block else extra

        hit = self.found.get((unit.context, unit.msgid))
        withdrawn = hit is not None and hit.withdrawn
        text = tokens.as_published(hit.text) if hit is not None else ""
        # (no line separator; nothing XML forbids: the page would be ill-formed)
        if hit is not None and hit.reviewed and tokens.check(unit.msgid, text) is None:
            rendering = segment.Rendering(text, mark(reader_notes.REVIEWED, {}))
            return Decision(reader_notes.REVIEWED, rendering, withdrawn)
        held: tuple[str, ...] = ()
        if self.gate.mode == "hold":
            held = tuple(sorted(self._risky(unit.msgid)))
        usable = bool(not held and text and tokens.check(unit.msgid, text) is None)
        if usable and self.gate.mode == "verify":
            verdict = self.verdict(unit.msgid, text)
            usable = verdict != (QA,)
            if usable:
                held = self._low_confidence(hit) or verdict
        elif usable:
            usable = not self._qa_errors(unit.msgid, text)
        if usable and not held:
            rendering = segment.Rendering(text, mark(reader_notes.MACHINE, {"data-mt": ""}))
            return Decision(reader_notes.MACHINE, rendering, withdrawn)
        rendering = segment.Rendering(None, mark(reader_notes.SOURCE, dict(ENGLISH_MARKS)))
        state = HELD_BACK if held else reader_notes.SOURCE
        return Decision(state, rendering, withdrawn, held)

    def _qa_errors(self, msgid: str, text: str) -> list[checks.Problem]:
        """QA's errors; in ``verify`` mode without QA's digit-for-digit number check, which
        the verifier does in the locale's form ("39 768", "10 万" for 100,000)."""
        from intl_pub.qa import checks  # (a page whose verdicts are all kept never needs QA)

        found = checks.run(msgid, text, self.locale, self.glossary, errors_only=True)
        if self.gate.mode == "verify":
            return [p for p in found if p.check not in VERIFIED_CHECKS]
        return found

    def _risky(self, msgid: str) -> frozenset[str]:
        if self.risky is not None and msgid in self.risky:
            return self.risky[msgid]
        from intl_pub.qa import risk

        return risk.classify(msgid, self.gate.risk)

    def verdict(self, msgid: str, text: str) -> Verdict:
        """QA's and the verifier's verdict on machine translation ``text`` as published:
        ``("qa",)`` when QA rejects it, else the verification failures' kinds (empty: it
        may go out unreviewed). Kept in :attr:`verdicts` when the policy has them."""

        def work_out() -> Verdict:
            if self._qa_errors(msgid, text):
                return (QA,)
            from intl_pub.qa import verify  # (nor the verifier)

            failures = verify.verify(msgid, text, self.locale, self.glossary)
            return tuple(sorted({f.kind for f in failures}))

        if self.verdicts is None:
            return work_out()
        return self.verdicts.get(msgid, text, work_out)

    def judge(self, machine: Iterable[tuple[str, str]]) -> None:
        """Work out the verdicts of new machine translations, (msgid, text as the engine
        wrote it), as a page will ask for them, and keep them (the translate step: verified
        once, where the translation is made)."""
        published = [(m, t) for m, t in _as_published(machine) if tokens.check(m, t) is None]
        if self.verdicts is not None:
            self.verdicts.prefetch(published)  # (the same sentence may be in another post)
        for msgid, text in published:
            self.verdict(msgid, text)
        if self.verdicts is not None:
            self.verdicts.save()

    def _low_confidence(self, hit: Translation | None) -> tuple[str, ...]:
        """``("low-confidence",)`` when the engine was less sure than the gate asks."""
        confidence = hit.confidence if hit is not None else None
        if confidence is not None and confidence < self.gate.min_confidence:
            return (LOW_CONFIDENCE,)
        return ()


def _as_published(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(msgid, a catalog's text) -> (msgid, the text as a page shows it): what is verified."""
    return [(msgid, tokens.as_published(text)) for msgid, text in pairs]


@dataclass(frozen=True)
class Rendered:
    """One post in one language, rebuilt from its catalog under the publishing policy."""

    tree: BeautifulSoup
    stats: BlockStats

    @property
    def document(self) -> str:
        return markup.outer(self.tree)


def render_document(
    document: str | segment.Walked,
    locale: Locale,
    found: Mapping[tuple[str, str], Translation],
    glossary: Glossary | None = None,
    gate: Gate | None = None,
) -> Rendered:
    """A document rebuilt under the policy (a document already walked is rebuilt in place)."""
    walked = segment.walk(document) if isinstance(document, str) else document
    policy = Policy(locale, found, glossary, gate)
    stats = policy.stats(walked.units)
    return Rendered(segment.apply_tree(walked, policy.lookup), stats)


def gate_for(settings: Settings, locale: Locale, glossary: Glossary) -> Gate:
    """The locale's gate: its mode, ``[risk]`` with the glossary's critical terms, and the
    engine's confidence it needs."""
    return Gate(
        settings.gate_for(locale),
        risk_settings(settings, glossary),
        settings.threshold(locale, "confidence"),
    )


def risk_settings(settings: Settings, glossary: Glossary) -> RiskSettings:
    """``[risk]`` of intl-pub.toml with the glossary's ``critical`` terms."""
    return settings.risk.with_critical_terms(glossary.critical)
