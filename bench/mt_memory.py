"""Does the Argos engine's memory grow with the work it has done? Translate the same corpus
several times in one process and print the RSS after each pass.

    .venv/bin/python bench/mt_memory.py [--posts 100] [--passes 3]

Same package and corpus as bench/mt_bench.py. A leak shows as RSS rising pass after pass; the
caching allocator of CTranslate2 shows as a rise in the first pass that then stays flat.
Then two passes through a sentence memory (an SQLite file in a temporary folder): the first
fills it, the second sends nothing to the engine.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import mt_bench  # sets the private Argos folders before argostranslate is imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()

    from argostranslate import package as argos_package

    argos_package.install_from_path(mt_bench.base_package())
    from intl_pub import pipeline, segment
    from intl_pub.core.config import load_settings
    from intl_pub.core.locales import TARGETS as LOCALES
    from intl_pub.mt import get_engine
    from intl_pub.workdir.store import Store

    workdir = Path(tempfile.mkdtemp(prefix="intl-pub-memory-"))
    mt_bench.make_corpus(workdir, args.posts)
    settings = load_settings(workdir)
    pipeline.pull(settings)
    store = Store(settings.workdir)
    units: list[str] = []
    for slug in store.slugs():
        document = store.read_post(slug)
        units += list(dict.fromkeys(u.msgid for u in segment.extract(document)))
    words = sum(len(re.sub(r"</?\d+/?>", " ", u).split()) for u in units)
    engine = get_engine("argos")
    engine.check([LOCALES["es"]])
    print(
        f"{len(units)} units, {words} words; RSS with the model loaded: {mt_bench.rss_mb():.0f} MB"
    )
    for number in range(1, args.passes + 1):
        start = time.perf_counter()
        engine.translate(units, LOCALES["es"])
        print(
            f"pass {number}: {time.perf_counter() - start:.0f} s, RSS {mt_bench.rss_mb():.0f} MB",
            flush=True,
        )
    from intl_pub.mt import MTStats
    from intl_pub.mt.memory import SentenceMemory

    with SentenceMemory(workdir / "mt-memory.sqlite") as memory:
        for name in ("cold", "warm"):
            stats = MTStats()
            start = time.perf_counter()
            engine.translate_scored(units, LOCALES["es"], memory=memory, stats=stats)
            print(
                f"memory {name}: {time.perf_counter() - start:.1f} s, {stats}; "
                f"RSS {mt_bench.rss_mb():.0f} MB",
                flush=True,
            )
    size = (workdir / "mt-memory.sqlite").stat().st_size
    print(f"memory file: {size / 1024:.0f} KB for {stats.distinct} sentences")


if __name__ == "__main__":
    main()
