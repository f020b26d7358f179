"""A package's public names served from one of its modules, imported on first use.

``intl-pub publish`` with nothing changed must not pay ~0.2 s for BeautifulSoup,
soupsieve and the fetcher just because a package's ``__init__`` re-exports
them: those packages answer attribute look-ups lazily (PEP 562) instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from typing import Any


def api_from(package: str, home: str) -> Callable[[str], Any]:
    """The package's ``__getattr__``: a public name of ``home``, imported when first asked for.

    A submodule's name is left to the import system (``from package import
    submodule`` asks for the attribute first), and a name once found is kept
    on the package, so later look-ups are plain attribute reads.
    """

    def attribute(name: str) -> Any:
        if name.startswith("_") or importlib.util.find_spec(f"{package}.{name}") is not None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home)
        public = getattr(module, "__all__", None)
        if (public is not None and name not in public) or not hasattr(module, name):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    return attribute
