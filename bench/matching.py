"""Brute-force best match (catalog._best_match's loop) against intl_pub.matching.Matcher.

Every paragraph of a generated post is reworded (a few words replaced, added
or dropped, a number changed), then each new paragraph is matched against the
old ones, each old one used at most once, in document order — as a merge does.
Prints, per size, both times, their ratio and how many answers agree.

    PYTHONPATH=src python bench/matching.py [SIZES=1000,3000] [--no-brute]

Figures need a quiet machine; the brute force at 3,000 takes minutes.
"""

from __future__ import annotations

import difflib
import importlib.util
import random
import sys
import time
from pathlib import Path

from intl_pub.catalog.matching import Matcher, ratio

HERE = Path(__file__).resolve().parent


def corpus(n: int, seed: int = 1) -> list[str]:
    """n distinct paragraphs from bench/gen_corpus.py (templated, so alike: a hard case)."""
    spec = importlib.util.spec_from_file_location("gen_corpus", HERE / "gen_corpus.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng, seen, out = random.Random(seed), set(), []
    while len(out) < n:
        paragraph = gen.paragraph(rng)
        if paragraph not in seen:
            seen.add(paragraph)
            out.append(paragraph)
    return out


def reword(text: str, rng: random.Random) -> str:
    """A realistic edit: a few words replaced, inserted or dropped, maybe a number."""
    words = text.split()
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(words))
        match rng.randrange(4):
            case 0:
                words[k] = rng.choice(["new", "updated", "2025", "several", "our", "quite"])
            case 1:
                words.insert(k, rng.choice(["also", "now", "still", "even", "3"]))
            case 2 if len(words) > 3:
                del words[k]
            case _:
                words[k] = words[k].upper()
    return " ".join(words)


def brute_force(new: list[str], old: list[str]) -> list[int | None]:
    """catalog._best_match as it is today: every leftover old entry, quick_ratio pruning."""
    used: set[int] = set()
    out: list[int | None] = []
    for text in new:
        best, best_ratio = None, 0.6
        for index, candidate in enumerate(old):
            if index in used:
                continue
            matcher = difflib.SequenceMatcher(None, text, candidate, autojunk=False)
            if matcher.quick_ratio() < best_ratio:
                continue
            score = matcher.ratio()
            if score > best_ratio:
                best, best_ratio = index, score
        if best is not None:
            used.add(best)
        out.append(best)
    return out


def indexed(new: list[str], old: list[str]) -> list[int | None]:
    matcher = Matcher(old)
    return [matcher.best(text) for text in new]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sizes = [int(s) for s in (args[0] if args else "1000,3000").split(",")]
    rng = random.Random(7)
    for size in sizes:
        old = corpus(size)
        new = [reword(p, rng) for p in old]
        rng.shuffle(new)
        start = time.perf_counter()
        ours = indexed(new, old)
        fast = time.perf_counter() - start
        line = f"{size:>7} paragraphs: indexed {fast:8.2f} s"
        if "--no-brute" not in sys.argv:
            start = time.perf_counter()
            theirs = brute_force(new, old)
            slow = time.perf_counter() - start
            same = sum(
                (a is None and b is None)
                or (a is not None and b is not None and ratio(t, old[a]) == ratio(t, old[b]))
                for t, a, b in zip(new, ours, theirs, strict=True)
            )
            line += f"   brute force {slow:8.2f} s   ratio {slow / fast:6.1f}x"
            line += f"   same best {same}/{size}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
