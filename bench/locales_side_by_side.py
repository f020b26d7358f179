"""Machine translation of three locales: one after another, or side by side in processes.

What `intl-pub run`/`translate` does for a big run (``intl_pub.workers``): each
locale's engine in a process of its own with its share of the cores
(``intra_threads`` = cores // processes), against one process translating the
locales in turn with every core. The engine is CTranslate2 on the Argos package
with a real model's compute cost (``bench/base_argosmodel.py``, cached in
bench/.cache/ by ``bench/mt_bench.py``); each locale gets the same sentences,
beam 4, as the pipeline's engine does. Prints words per second both ways and the
ratio, measured in one run.

    .venv/bin/python bench/locales_side_by_side.py [--sentences 150] [--locales 3]

Run it alone on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import zipfile
from multiprocessing import get_context
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_corpus import paragraph  # noqa: E402
from mt_bench import base_package  # noqa: E402


def translate(model: str, threads: int, sentences: list[str]) -> float:
    """Seconds one engine with ``threads`` threads takes over ``sentences`` (a job)."""
    import ctranslate2
    import sentencepiece

    pieces = sentencepiece.SentencePieceProcessor(model_file=f"{model}/sentencepiece.model")
    engine = ctranslate2.Translator(
        f"{model}/model", device="cpu", inter_threads=1, intra_threads=threads,
        compute_type="int8",
    )  # fmt: skip
    tokens = [pieces.encode(s, out_type=str) for s in sentences]
    start = time.perf_counter()
    engine.translate_batch(tokens, beam_size=4, length_penalty=0.2, max_batch_size=32)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=150, help="per locale")
    parser.add_argument("--locales", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(3)
    sentences = [paragraph(rng).split(". ")[0] + "." for _ in range(args.sentences)]
    words = sum(len(s.split()) for s in sentences) * args.locales
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="intl-pub-locales-") as tmp:
        with zipfile.ZipFile(base_package()) as package:
            package.extractall(tmp)
        model = str(next(Path(tmp).iterdir()))
        context = get_context("forkserver")
        with context.Pool(1) as pool:  # one process, the locales in turn, every core
            in_turn = sum(pool.starmap(translate, [(model, cores, sentences)] * args.locales))
        share = max(1, cores // args.locales)
        with context.Pool(args.locales) as pool:  # a process per locale
            side = max(pool.starmap(translate, [(model, share, sentences)] * args.locales))
    print(f"{args.locales} locales x {args.sentences} sentences ({words} words), {cores} cores")
    print(
        f"  one process, in turn, {cores} threads: {in_turn:.1f} s = "
        f"{words / in_turn:.0f} words/s"
    )
    print(
        f"  side by side, {args.locales} processes x {share} thread(s): {side:.1f} s = "
        f"{words / side:.0f} words/s"
    )
    print(f"  side by side / in turn: {in_turn / side:.2f}x the words per second")


if __name__ == "__main__":
    main()
