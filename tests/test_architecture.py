"""The import graph DESIGN.md promises, read from the source with ast (not by convention).

flows -> intl_pub.pipeline -> {store, sources, segment, catalog, mt, checks, publish, ...}
-> base modules (model, errors, config, locales, tokens, files); nothing outside
catalog.py imports polib; nothing under src/ imports prefect or intl_pub_flows.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "intl_pub"
BASE = {"model", "errors", "config", "locales", "tokens", "files", "punctuation", "risk"}
"""risk is base: the settings read its [risk] table, and it needs only tokens and errors."""
TOP = {"pipeline", "cli", "triage"}
"""triage reads the pipeline's catalogs for the queue and impact reports, as cli does."""


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "intl_pub":
                found.update(f"intl_pub.{alias.name}" for alias in node.names)
    return found


def modules() -> dict[str, set[str]]:
    return {
        str(p.relative_to(SRC).with_suffix("")).replace("/", "."): imports(p)
        for p in SRC.rglob("*.py")
    }


def test_nothing_under_src_imports_prefect_or_the_flows() -> None:
    for name, used in modules().items():
        assert not any(u.split(".")[0] in {"prefect", "prefect_dask", "intl_pub_flows"} for u in used), name


def test_only_catalog_imports_polib() -> None:
    users = {name for name, used in modules().items() if "polib" in used}
    assert users == {"catalog"}


def test_base_modules_import_only_base_modules_and_middle_ones_never_the_pipeline() -> None:
    for name, used in modules().items():
        ours = {u.removeprefix("intl_pub.").split(".")[0] for u in used if u.startswith("intl_pub.")}
        if name in BASE:
            assert ours <= BASE, (name, ours - BASE)
        elif name.split(".")[0] not in TOP:
            assert not ours & TOP, (name, ours & TOP)
    assert not any(u.startswith(("intl_pub.cli", "intl_pub.triage")) for u in modules()["pipeline"])
