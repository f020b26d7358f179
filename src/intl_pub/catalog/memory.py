"""The memories behind a locale's catalogs: machine translations per post, reviews across posts."""

from __future__ import annotations

import json
from collections.abc import Sequence

from intl_pub.catalog.entry import (
    Catalog,
    Entry,
    _key,
    pending,
    reuse_translation,
    reviewed_texts,
)
from intl_pub.core.errors import StoreError
from intl_pub.core.model import Locale
from intl_pub.workdir.store import Store


class MachineMemory:
    """Machine translations of one post in one locale, by engine label and English text.

    The engine's suggestion for the current English of a stale entry lives
    here, not in the msgstr (which keeps the translator's text): the
    publisher uses it, a reviewer can read it, and a catalog updated by
    ``msgmerge`` (Weblate) needs no new engine call for English seen before.
    It also tells a machine's msgstr from a translator's work in progress,
    and keeps each review as it was when its English changed (``reviews``):
    if the English comes back exactly as reviewed (two paragraphs merged, then
    split again), the review is restored, not left fuzzy. Stored as JSON by
    the store (``Store.suggestions_path``).
    """

    VERSION = 1

    def __init__(self, by_label: dict[str, dict[str, list[str]]] | None = None) -> None:
        self.by_label: dict[str, dict[str, list[str]]] = by_label or {}
        self.latest = next(reversed(self.by_label), "") if self.by_label else ""
        self.reviews: dict[str, str] = {}
        """A person's reviewed translation by the English it was reviewed for, kept once
        that English changed."""

    @classmethod
    def parse(cls, raw: bytes | None) -> MachineMemory:
        """Read the stored memory; a missing or unreadable one is empty (it is only a cache)."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return cls()
        labels = data.get("suggestions", {})
        memory = cls({str(k): dict(v) for k, v in labels.items() if isinstance(v, dict)})
        memory.latest = str(data.get("latest", memory.latest))
        reviews = data.get("reviews", {})
        if isinstance(reviews, dict):
            memory.reviews = {str(k): str(v) for k, v in reviews.items()}
        return memory

    def serialize(self) -> bytes:
        data: dict[str, object] = {
            "version": self.VERSION,
            "latest": self.latest,
            "suggestions": self.by_label,
        }
        if self.reviews:
            data["reviews"] = self.reviews
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    def put(self, key: tuple[str, str], label: str, text: str, note: str = "") -> None:
        self.by_label.setdefault(label, {})[_memory_key(key)] = [text, note]
        self.latest = label

    def get(self, key: tuple[str, str], label: str | None = None) -> tuple[str, str] | None:
        """(text, note) for this English: from ``label``, else the latest engine, else any."""
        wanted = _memory_key(key)
        labels = [label] if label is not None else [self.latest, *self.by_label]
        for name in labels:
            found = self.by_label.get(name, {}).get(wanted)
            if found:
                return found[0], found[1] if len(found) > 1 else ""
        return None

    def keep_review(self, key: tuple[str, str], text: str) -> None:
        """Remember ``text``, a person's review of the English ``key``, which has changed."""
        self.reviews[_memory_key(key)] = text

    def was_reviewed(self, key: tuple[str, str], text: str) -> bool:
        """Was ``text`` a person's review of exactly this English, before it changed?"""
        return bool(text) and self.reviews.get(_memory_key(key)) == text

    def is_machine(self, key: tuple[str, str], text: str) -> bool:
        """Did an engine write exactly ``text`` for this English? (Else a person did.)"""
        wanted = _memory_key(key)
        return any(texts.get(wanted, [None])[0] == text for texts in self.by_label.values())

    def keep_only(self, cat: Catalog) -> None:
        """Forget the English no entry of ``cat`` refers to any more (msgid or ``#| msgid``)."""
        keep = set()
        for e in cat._po:
            keep.add(_memory_key(_key(e)))
            if e.previous_msgid is not None:
                keep.add(_memory_key((e.previous_msgctxt or "", e.previous_msgid)))
        for label in list(self.by_label):
            texts = {k: v for k, v in self.by_label[label].items() if k in keep}
            if texts:
                self.by_label[label] = texts
            else:
                del self.by_label[label]
        self.reviews = {k: v for k, v in self.reviews.items() if k in keep}
        if self.latest not in self.by_label:
            self.latest = next(reversed(self.by_label), "") if self.by_label else ""


def _memory_key(key: tuple[str, str]) -> str:
    return f"{key[0]}\x04{key[1]}" if key[0] else key[1]



class TranslationMemory:
    """Reviewed translations across posts, so a sentence reviewed once is reused.

    Rows of the state database, per locale and post (``tm``), updated from every
    catalog a run loads: a run reads and writes the rows of the posts it merged, and
    looks up only the English it must translate.
    """

    def __init__(self, store: Store, locale: Locale) -> None:
        self.store = store
        self.locale = locale
        self._changed: dict[str, dict[str, str]] = {}

    def record(self, merged: Sequence[tuple[str, Catalog]]) -> None:
        """Take the reviewed entries of ``merged`` in place of what the state recorded of them
        (a run that merges its posts in chunks records them all before filling any)."""
        for slug, cat in merged:
            mine = {_tm_key(*key): text for key, text in reviewed_texts(cat).items()}
            if self.store.reviewed(self.locale, slug) != mine:
                self._changed[slug] = mine

    def fill(self, merged: Sequence[tuple[str, Catalog]]) -> list[Entry]:
        """Record the reviewed entries of ``merged``; fill what they can; return the rest."""
        todo = [e for _, cat in merged for e in pending(cat)]
        self.record(merged)
        if not todo:
            return todo
        index = self._index({_tm_key(*entry.key) for entry in todo})
        rest = []
        for entry in todo:
            hit = index.get(_tm_key(*entry.key))
            if hit is None:
                rest.append(entry)
            else:
                reuse_translation(entry, hit[0], hit[1])
        return rest

    def _index(self, keys: set[str]) -> dict[str, tuple[str, str]]:
        """key -> (translation, post) for ``keys``: the first post by name that reviewed it,
        this run's catalogs in place of what the state recorded of them."""
        index: dict[str, tuple[str, str]] = {}
        for key, slug, text in self.store.reviewed_for(self.locale, keys):
            if slug not in self._changed:
                index.setdefault(key, (text, slug))
        for slug, texts in self._changed.items():
            for key in keys.intersection(texts):
                if key not in index or slug < index[key][1]:
                    index[key] = (texts[key], slug)
        return index

    def save(self) -> None:
        """Queue the changed posts' rows for the step's transaction."""
        if self._changed:
            self.store.save_reviewed(self.locale, self._changed)
            self._changed = {}


def _tm_key(context: str, msgid: str) -> str:
    """The memory file's key for an entry: msgctxt EOT msgid."""
    return f"{context}\x04{msgid}"


def machine_memory(store: Store, locale: Locale, slug: str) -> MachineMemory:
    """The post's machine-translation memory; a missing or unreadable one is empty."""
    try:
        raw = store.read(store.suggestions_path(locale, slug))
    except StoreError:
        raw = None
    return MachineMemory.parse(raw)


def save_machine_memory(store: Store, locale: Locale, slug: str, memory: MachineMemory,
                        cat: Catalog) -> None:
    """Write the post's memory, keeping only the English its catalog still refers to."""
    memory.keep_only(cat)
    path = store.suggestions_path(locale, slug)
    if memory.by_label or path.exists():
        store.write(path, memory.serialize())

