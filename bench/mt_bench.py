"""Machine translation throughput: the engine's limit, the peer's way, and ours, in one run.

    .venv/bin/python bench/mt_bench.py [--posts 100] [--out bench/results.json]

Builds (once, cached in bench/.cache/) an Argos en→es package with the compute
cost of a published Argos model -- Transformer base: 6+6 layers, d_model 512,
8 heads, FFN 2048, 32k vocabulary, int8 -- whose hand-set weights copy the
source, so outputs are as long as inputs (bench/base_argosmodel.py). The
corpus is the sample blog replicated to --posts posts, each copy made
distinct (so no cache or memory can skip work). All three measurements use
the same model, the same sentences, beam size 4 and length penalty 0.2, and
the same threads:

1. limit: one CTranslate2 translate_batch over all pre-split, pre-tokenized
   sentences (sentence splitting and tokenization not timed);
2. peer:  argostranslate.translate.translate() once per unit, as
   translate-html and LibreTranslate call it;
3. ours:  the pipeline's MT stage (intl_pub.pipeline.translate_locale: merge
   the catalogs, split, tokenize, translate in batches, write the catalogs);
4. ours again with nothing changed, and with one paragraph changed in one post.

Prints words/s, the ratios ours/limit and ours/peer, engine calls, and memory
(peak RSS, and RSS along the run to show growth or its absence).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
THREADS = os.cpu_count() or 1

# argostranslate reads these once, at import: a private package folder for the run.
_home = Path(tempfile.mkdtemp(prefix="intl-pub-bench-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_home / _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(_home / "packages")
os.environ["ARGOS_INTRA_THREADS"] = str(THREADS)  # the peer gets the same threads as ours
os.environ["INTL_PUB_INTRA_THREADS"] = str(THREADS)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def base_package() -> Path:
    """The transformer-base-cost package, built once (about a minute)."""
    package = CACHE / "translate-en_es-base.argosmodel"
    if not package.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print("building the transformer-base package (once; ~1 min) ...", flush=True)
        subprocess.run([sys.executable, str(HERE / "base_argosmodel.py"), str(CACHE)], check=True)
    return package


def make_corpus(workdir: Path, posts: int) -> None:
    """The sample blog replicated to `posts` posts; each copy's blocks made distinct."""
    from bs4 import BeautifulSoup

    source = workdir / "posts"
    source.mkdir(parents=True)
    originals = sorted((ROOT / "examples" / "blog" / "posts").glob("*.html"))
    for n in range(posts):
        original = originals[n % len(originals)]
        soup = BeautifulSoup(original.read_text("utf-8"), "html.parser")
        copy = n // len(originals) + 1
        for block in soup.find_all(
            ["title", "h1", "h2", "p", "li", "td", "th", "figcaption", "dd"]
        ):
            texts = [t for t in block.find_all(string=True) if t.strip()]
            if texts and block.find_parent(["pre", "code"]) is None:
                texts[-1].replace_with(f"{texts[-1].rstrip()} in district {copy}")
        (source / f"{original.stem}-{copy}.html").write_text(str(soup), "utf-8")
    (workdir / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["posts"]\nlocales = ["es"]\nengine = "argos"\n', "utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    from argostranslate import package as argos_package

    argos_package.install_from_path(base_package())
    import argostranslate.translate
    import ctranslate2

    from intl_pub import pipeline, segment
    from intl_pub.config import load_settings
    from intl_pub.locales import TARGETS as LOCALES
    from intl_pub.mt import get_engine

    es = LOCALES["es"]
    workdir = Path(tempfile.mkdtemp(prefix="intl-pub-bench-corpus-"))
    make_corpus(workdir, args.posts)
    settings = load_settings(workdir)
    pipeline.pull(settings)
    posts = pipeline.stored_posts(settings)
    for post in posts:
        pipeline.extract(settings, post)
    # The units the MT stage sends: every post's distinct msgids.
    units: list[str] = []
    for post in posts:
        document = pipeline.content_path(settings, post.slug).read_text("utf-8")
        units += list(dict.fromkeys(u.msgid for u in segment.extract(document)))
    words = sum(len(re.sub(r"</?\d+/?>", " ", u).split()) for u in units)
    print(
        f"corpus: {len(posts)} posts, {len(units)} units, {words} words; {THREADS} threads; beam 4",
        flush=True,
    )

    engine = get_engine("argos")
    model = engine._model(es)
    rss_loaded = rss_mb()
    pkg, sentencizer = model.package, model.sentencizer
    sentences = [s for u in units for s in sentencizer.split_sentences(u)]
    tokenized = [pkg.tokenizer.encode(s) for s in sentences]
    translator = ctranslate2.Translator(
        str(Path(pkg.package_path) / "model"), device="cpu", inter_threads=1, intra_threads=THREADS
    )

    # 1. the limit
    start = time.perf_counter()
    translator.translate_batch(
        tokenized,
        replace_unknowns=True,
        max_batch_size=32,
        batch_type="examples",
        beam_size=4,
        num_hypotheses=1,
        length_penalty=0.2,
    )
    limit_s = time.perf_counter() - start
    del translator
    print(f"limit: {limit_s:.1f} s", flush=True)

    # 3. ours (before the peer, so the peer's own model load cannot warm anything for us)
    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        samples.append((done, rss_mb()))

    from intl_pub.model import RunReport

    start = time.perf_counter()
    first = pipeline.translate_locale(settings, es, posts, engine, progress)
    ours_s = time.perf_counter() - start
    print(f"ours: {ours_s:.1f} s, {first.engine_calls} engine call(s)", flush=True)

    # 4. re-runs
    start = time.perf_counter()
    unchanged = pipeline.translate_locale(settings, es, posts, engine)
    unchanged_s = time.perf_counter() - start
    changed_post = posts[len(posts) // 2]
    path = pipeline.content_path(settings, changed_post.slug)
    text = path.read_text("utf-8")
    paragraph = re.search(r"<p>([^<]{20,})", text)
    assert paragraph is not None
    path.write_text(
        text.replace(paragraph.group(1), paragraph.group(1) + " Updated today.", 1), "utf-8"
    )
    pipeline.extract(settings, changed_post)
    start = time.perf_counter()
    one = pipeline.translate_locale(settings, es, pipeline.stored_posts(settings), engine)
    one_s = time.perf_counter() - start
    assert unchanged.ok and one.ok and isinstance(one, RunReport)

    # 2. the peer: argostranslate per unit (its own translator object, its own settings)
    start = time.perf_counter()
    for unit in units:
        argostranslate.translate.translate(unit, "en", "es")
    peer_s = time.perf_counter() - start
    print(f"peer: {peer_s:.1f} s", flush=True)

    figures = {
        "machine": f"{platform.machine()}, {THREADS} cores, {platform.python_version()}, "
        f"ctranslate2 {ctranslate2.__version__}",
        "posts": len(posts),
        "units": len(units),
        "sentences": len(sentences),
        "words": words,
        "words_per_s": {"limit": words / limit_s, "peer": words / peer_s, "ours": words / ours_s},
        "ours_over_limit": limit_s / ours_s,
        "ours_over_peer": peer_s / ours_s,
        "second_run_unchanged": {"seconds": unchanged_s, "engine_calls": unchanged.engine_calls},
        "one_paragraph_changed": {"seconds": one_s, "engine_calls": one.engine_calls},
        "memory_mb": {
            "after_model_load": rss_loaded,
            "during_ours": [round(mb, 1) for _, mb in samples[:: max(1, len(samples) // 8)]],
            "peak": peak_mb(),
        },
    }
    print(json.dumps(figures, indent=2))
    w = figures["words_per_s"]
    print(f"\nwords/s  limit {w['limit']:.0f}   peer {w['peer']:.0f}   ours {w['ours']:.0f}")
    print(
        f"ours/limit {figures['ours_over_limit']:.2f}   ours/peer {figures['ours_over_peer']:.2f}"
    )
    print(
        f"second run: {unchanged.engine_calls} engine calls; one paragraph changed: "
        f"{one.engine_calls} engine call(s)"
    )
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.rmtree(_home, ignore_errors=True)


if __name__ == "__main__":
    main()
