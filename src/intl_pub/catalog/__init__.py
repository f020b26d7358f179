"""Gettext catalogs, the only polib user: entries and their state, merge, memories, files.

The catalogs are the single source of truth for every translation. A package
by noun, like babel's ``messages``: this module names the public API, each
room owns one part of it --

* :mod:`~intl_pub.catalog.entry`: :class:`Catalog` and :class:`Entry` (its state
  -- reviewed, machine, stale, withdrawn, untranslated -- is a property), and
  the only ways an entry changes;
* :mod:`~intl_pub.catalog.merge`: a template merged into a locale's catalog,
  the rules that protect a translator's work;
* :mod:`~intl_pub.catalog.memory`: the memories behind the catalogs (the
  machine's suggestions per post, reviewed translations across posts);
* :mod:`~intl_pub.catalog.pofile` and :mod:`~intl_pub.catalog.poformat`: files
  read and written exactly as GNU gettext does; :mod:`~intl_pub.catalog.files`:
  through the work folder's store;
* :mod:`~intl_pub.catalog.matching`: the fuzzy matcher merge uses.

A catalog that cannot be read raises CatalogError with ``path:line`` and is
never written over.
"""

from intl_pub.catalog.entry import (
    Catalog,
    Entry,
    State,
    Stats,
    needs_translation,
    offered,
    pending,
    reuse_translation,
    review,
    reviewed_texts,
    set_machine_translation,
    stale,
    stats,
    translations,
    withdrawn,
)
from intl_pub.catalog.memory import MachineMemory, TranslationMemory
from intl_pub.catalog.merge import merge
from intl_pub.catalog.pofile import build_template, load, parse, render, save, serialize

__all__ = [
    "Catalog",
    "Entry",
    "MachineMemory",
    "State",
    "Stats",
    "TranslationMemory",
    "build_template",
    "load",
    "merge",
    "needs_translation",
    "offered",
    "parse",
    "pending",
    "render",
    "reuse_translation",
    "review",
    "reviewed_texts",
    "save",
    "serialize",
    "set_machine_translation",
    "stale",
    "stats",
    "translations",
    "withdrawn",
]
