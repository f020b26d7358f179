"""Errors that tell the user what went wrong and what to do about it.

One base class, so the command line can print any of them as a one-line
message and exit non-zero; each subclass says which part of the pipeline
raises it.
"""

from __future__ import annotations


class IntlPubError(Exception):
    """Base class: anything the user can fix by changing input or setup."""


class ConfigError(IntlPubError):
    """Raised by config: a bad settings file, environment variable or option."""


class SourceError(IntlPubError):
    """Raised by sources: a feed, folder or URL that cannot be read as posts."""


class CatalogError(IntlPubError):
    """Raised by catalog: a .po/.pot file that cannot be read; it is left untouched."""


class EngineError(IntlPubError):
    """Raised by mt: an engine that is unknown, misconfigured or failed."""


class ModelMissingError(EngineError):
    """Raised by mt.argos: no installed Argos model for a language pair."""


class LockError(IntlPubError):
    """Raised by pipeline: another run holds the work folder."""


class StoreError(IntlPubError):
    """Raised by store: the work folder is missing, or a file in it cannot be written."""


def describe(exc: BaseException) -> str:
    """What a failure report says about ``exc`` (a post nested too deeply gets advice)."""
    if isinstance(exc, RecursionError):
        return "the page is nested too deeply to process; simplify its markup"
    return str(exc)
