"""Machine translation throughput: the engine's limit, the peer's way, and ours, in one run.

    .venv/bin/python bench/mt_bench.py [--posts 100] [--skip-peer] [--workers 2] [--out FILE]

Builds (once, cached in bench/.cache/) an Argos en→es package with the compute
cost of a published Argos model -- Transformer base: 6+6 layers, d_model 512,
8 heads, FFN 2048, 32k vocabulary, int8 -- whose hand-set weights copy the
source, so outputs are as long as inputs (bench/base_argosmodel.py). The
corpus is the sample blog replicated to --posts posts, each copy's sentences
made distinct (so no cache or memory can skip work). All three measurements use
the same model, the same sentences, beam size 4 and length penalty 0.2, and
the same threads:

1. limit: one CTranslate2 translate_batch over all distinct pre-split,
   pre-tokenized sentences (sentence splitting and tokenization not timed);
2. peer:  argostranslate.translate.translate() once per unit, as
   translate-html and LibreTranslate call it;
3. ours:  the pipeline's MT stage (intl_pub.pipeline.translate: merge
   the catalogs, split, tokenize, translate in batches, verify what the engine wrote,
   write the catalogs; the verifier's one-time set-up, like the model's load, is done
   before the clock starts and printed);
4. ours again with nothing changed, and with one paragraph changed in one post;
5. scale-out: the corpus's sentences as MT shards (intl_pub.mt.shards) on a
   distributed.LocalCluster of --workers worker processes of one thread each,
   over the same shards on one such worker (each worker loads the model and
   translates one sentence before the clock starts; the cluster runs with
   intl_pub.mt.shards.DASK_CONFIG);
6. the sentence memory: a one-word edit in a five-sentence paragraph, and a
   corpus whose posts all end with the same disclaimer, posts translated one by
   one: how many sentences reach the engine.

Prints words/s, the ratios ours/limit and ours/peer, engine calls, memory
(peak RSS, and RSS along the run to show growth or its absence), and the lines
`scale-out 2/1: <ratio>`, `one-word edit: <n> sentence(s) to the engine`,
`shared disclaimer: <n> time(s) to the engine`.

On a busy machine, validate at a small size (`--posts 4 --skip-peer`) and
take figures only from a quiet one.
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
REAL_POSTS = 40
"""The size of the recorded figures (issue 16: 40 posts, 2 cores, quiet machine)."""
SENTENCE_END = re.compile(r"([.!?])(\s+)(?=[A-Z]|$)")
DISCLAIMER = "This article is general information and does not replace the advice of your doctor."
PARAGRAPH = (
    "The new clinic opens on Monday at the north entrance. Parents can book a visit online. "
    "The team includes two nurses and a pediatrician. Appointments last about twenty minutes. "
    "Please bring your child's vaccination record."
)

# argostranslate reads these once, at import: a private package folder for the run.
# Dask's worker processes import this module again: they must find the same folder.
_home = Path(os.environ.get("INTL_PUB_BENCH_HOME") or tempfile.mkdtemp(prefix="intl-pub-bench-"))
os.environ["INTL_PUB_BENCH_HOME"] = str(_home)
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


def _distinct(text: str, copy: int) -> str:
    """Every sentence of ``text`` marked with the copy's number, before its full stop."""
    text = SENTENCE_END.sub(rf" in district {copy}\1\2", text)
    end = re.search(r"[.!?:;]*$", text)
    assert end is not None
    return f"{text[: end.start()]} in district {copy}{end.group()}"


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
                # every sentence, not only the block: the engine's memory is per sentence
                for text in texts[:-1]:
                    text.replace_with(SENTENCE_END.sub(rf" in district {copy}\1\2", text))
                texts[-1].replace_with(_distinct(texts[-1].rstrip(), copy))
        for tag, attribute in (("meta", "content"), ("img", "alt"), ("abbr", "title")):
            for element in soup.find_all(tag):
                if element.get(attribute) and element.get("property") is None:
                    element[attribute] = _distinct(element[attribute], copy)
        (source / f"{original.stem}-{copy}.html").write_text(str(soup), "utf-8")
    (workdir / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["posts"]\nlocales = ["es"]\nengine = "argos"\n', "utf-8"
    )


def _cpu_seconds() -> float:
    """CPU time of this (worker) process: below its wall time, other programs had the CPU."""
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


def scale_out(
    units: list[str], words: int, workers: int, one_batch: dict[str, list[str]]
) -> dict[str, object]:
    """Words/s of the corpus's sentences as MT shards on 1 and on `workers` Dask worker
    processes of one thread each; the outputs must be identical, to each other and to
    one translate_batch of all sentences (`one_batch`: sentence -> target tokens)."""
    import dask
    from distributed import Client, LocalCluster

    from intl_pub.core.locales import TARGETS
    from intl_pub.mt import MTSettings, batch, get_engine
    from intl_pub.mt.shards import DASK_CONFIG, join_shards, plan_shards, translate_shard

    es = TARGETS["es"]
    one_thread = MTSettings(device="cpu", inter_threads=1, intra_threads=1)
    engine = get_engine("argos")
    job = batch.prepare(engine, units, es)
    # enough shards that `workers` processes stay busy to the end: about 8 each, so the last
    # shard to finish leaves the others idle for 1/16 of the run at most (a shard costs Dask
    # a few milliseconds; at --posts 20 each holds ~20 sentences and takes ~0.5 s)
    tokens = sum(len(s.split()) * 4 // 3 + 1 for s in job.todo)
    shards = plan_shards(job.todo, max(64, tokens // (8 * workers)))
    src = str(ROOT / "src")
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}

    def warm() -> None:
        # the model loaded and one sentence through it: first-call costs are not timed
        get_engine("argos", one_thread).check([es])
        translate_shard("argos", one_thread, es, [job.todo[0]])

    seconds, outputs, busy = {}, {}, {}
    for n in sorted({1, workers}):
        with (
            dask.config.set(DASK_CONFIG),
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                local_directory=tempfile.mkdtemp(prefix="intl-pub-bench-dask-"),
                env=env,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(warm)
            cpu_before = client.run(_cpu_seconds)
            start = time.perf_counter()
            futures = [
                client.submit(translate_shard, "argos", one_thread, es, [job.todo[i] for i in s])
                for s in shards
            ]
            parts = client.gather(futures)
            seconds[n] = time.perf_counter() - start
            cpu = client.run(_cpu_seconds)
            busy[n] = sum(cpu[w] - cpu_before[w] for w in cpu) / (n * seconds[n])
        joined = join_shards(shards, parts)
        same_as_one_batch = all(
            list(v.tokens) == one_batch[s] for s, v in zip(job.todo, joined, strict=True)
        )
        outputs[n] = batch.finish(engine, job, joined)
        print(
            f"scale-out: {n} worker(s): {seconds[n]:.1f} s, {len(shards)} shards, "
            f"workers on a CPU {busy[n]:.0%} of the time",
            flush=True,
        )
    return {
        "workers": workers,
        "shards": len(shards),
        "words_per_s": {str(n): words / t for n, t in seconds.items()},
        "ratio": seconds[1] / seconds[workers],
        "cpu_share": {str(n): b for n, b in busy.items()},
        "identical": outputs[1] == outputs[workers] and same_as_one_batch,
    }


def memory_figures(posts: list[list[str]]) -> dict[str, int]:
    """Sentences that reach the engine for a one-word edit in a five-sentence paragraph, and
    times a disclaimer that ends every post does, the posts translated one by one."""
    from intl_pub.core.locales import TARGETS
    from intl_pub.mt import MTStats, batch, get_engine
    from intl_pub.mt.memory import SentenceMemory
    from intl_pub.mt.shards import translate_shard

    es, engine = TARGETS["es"], get_engine("argos")
    memory, edit = SentenceMemory(None), MTStats()
    engine.translate_scored([PARAGRAPH], es, memory=memory)
    edited = PARAGRAPH.replace("two nurses", "three nurses")
    engine.translate_scored([edited], es, memory=memory, stats=edit)

    memory, times = SentenceMemory(None), 0
    for units in posts:
        job = batch.prepare(engine, [*units, DISCLAIMER], es, memory)
        times += DISCLAIMER in job.todo
        batch.finish(engine, job, translate_shard("argos", None, es, job.todo), memory)
    return {
        "one_word_edit_sentences": edit.sentences,
        "one_word_edit_sent": edit.sent,
        "disclaimer_posts": len(posts),
        "shared_disclaimer_sent": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--skip-peer", action="store_true", help="skip argostranslate's per-unit translate()"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="Dask worker processes for scale-out (0: skip)"
    )
    args = parser.parse_args()

    from argostranslate import package as argos_package

    argos_package.install_from_path(base_package())
    import argostranslate.translate
    import ctranslate2

    from intl_pub import pipeline, segment
    from intl_pub.core.config import load_settings
    from intl_pub.core.locales import TARGETS as LOCALES
    from intl_pub.mt import get_engine
    from intl_pub.workdir.store import Store

    es = LOCALES["es"]
    workdir = Path(tempfile.mkdtemp(prefix="intl-pub-bench-corpus-"))
    make_corpus(workdir, args.posts)
    settings = load_settings(workdir)
    store = Store(settings.workdir)
    pipeline.pull(settings)
    pipeline.extract(settings)
    posts = store.slugs()
    # The units the MT stage sends: every post's distinct msgids.
    units: list[str] = []
    per_post: list[list[str]] = []
    for slug in posts:
        document = store.read_post(slug)
        per_post.append(list(dict.fromkeys(u.msgid for u in segment.extract(document))))
        units += per_post[-1]
    words = sum(len(re.sub(r"</?\d+/?>", " ", u).split()) for u in units)
    print(
        f"corpus: {len(posts)} posts, {len(units)} units, {words} words; {THREADS} threads; beam 4",
        flush=True,
    )

    engine = get_engine("argos")
    engine.check([es])
    model = engine._model(es)
    rss_loaded = rss_mb()
    pkg, sentencizer = model.package, model.sentencizer
    # Distinct sentences: the work the engine must do (a few repeat across copies, where
    # the splitter cuts inside an inline element: "Sign in at <1>my." / "northbridge.").
    every = [s for u in units for s in sentencizer.split_sentences(u)]
    sentences = list(dict.fromkeys(every))
    tokenized = [pkg.tokenizer.encode(s) for s in sentences]
    print(f"sentences: {len(every)}, distinct: {len(sentences)}", flush=True)
    translator = ctranslate2.Translator(
        str(Path(pkg.package_path) / "model"), device="cpu", inter_threads=1, intra_threads=THREADS
    )

    # 1. the limit
    start = time.perf_counter()
    limit_out = translator.translate_batch(
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
    # the engine asks for scores: the words must not change (checked on a sample)
    from intl_pub.mt.shards import translate_shard

    sample = range(0, len(sentences), max(1, len(sentences) // 200))
    scored = translate_shard("argos", None, es, [sentences[i] for i in sample])
    scores_same = [limit_out[i].hypotheses[0] for i in sample] == [list(v.tokens) for v in scored]
    print(f"scores leave the translations unchanged: {scores_same}", flush=True)

    # 3. ours (before the peer, so the peer's own model load cannot warm anything for us)
    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        samples.append((done, rss_mb()))

    from intl_pub.core.model import RunReport

    # the translate step also verifies what the engine wrote (publish.verdicts): its one-time
    # set-up, like the model's load, is done before the clock starts -- the verifier's tables
    # (built once per installed version, in the user's cache) and patterns (once per process)
    from intl_pub.qa.verify import verify

    warm = time.perf_counter()
    verify("Take 2 tablets on 3 May; do not drive.", "Tome 2 comprimidos el 3 de mayo.", es)
    print(f"verifier set-up (not timed below): {time.perf_counter() - warm:.1f} s", flush=True)
    start = time.perf_counter()
    first = pipeline.translate(settings, es, engine, progress)
    ours_s = time.perf_counter() - start
    print(f"ours: {ours_s:.1f} s, {first.engine_calls} engine call(s)", flush=True)

    # 4. re-runs
    start = time.perf_counter()
    unchanged = pipeline.translate(settings, es, engine)
    unchanged_s = time.perf_counter() - start
    changed_post = posts[len(posts) // 2]
    path = store.content_path(changed_post)
    text = path.read_text("utf-8")
    paragraph = re.search(r"<p>([^<]{20,})", text)
    assert paragraph is not None
    path.write_text(
        text.replace(paragraph.group(1), paragraph.group(1) + " Updated today.", 1), "utf-8"
    )
    pipeline.extract(settings)
    start = time.perf_counter()
    one = pipeline.translate(settings, es, engine)
    one_s = time.perf_counter() - start
    assert unchanged.ok and one.ok and isinstance(one, RunReport)

    # 2. the peer: argostranslate per unit (its own translator object, its own settings)
    peer_s = float("nan")
    if not args.skip_peer:
        start = time.perf_counter()
        for unit in units:
            argostranslate.translate.translate(unit, "en", "es")
        peer_s = time.perf_counter() - start
        print(f"peer: {peer_s:.1f} s", flush=True)

    # 5. scale-out, 6. the sentence memory
    one_batch = {s: r.hypotheses[0] for s, r in zip(sentences, limit_out, strict=True)}
    scale = scale_out(units, words, args.workers, one_batch) if args.workers > 1 else None
    remembered = memory_figures(per_post[:10])

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
        "scores_leave_translations_unchanged": scores_same,
        "scale_out": scale,
        "sentence_memory": remembered,
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
    if scale is not None:
        print(f"scale-out {args.workers}/1: {scale['ratio']:.2f}")
        print(
            f"scale-out outputs identical (1 worker, {args.workers}, one batch): "
            f"{scale['identical']}"
        )
    print(f"one-word edit: {remembered['one_word_edit_sent']} sentence(s) to the engine")
    print(f"shared disclaimer: {remembered['shared_disclaimer_sent']} time(s) to the engine")
    if args.posts < REAL_POSTS or args.skip_peer or args.workers != 2:
        print(
            "a validation run: for figures, on a quiet machine (nothing else running), run\n"
            f"  PYTHONPATH=src .venv/bin/python bench/mt_bench.py --posts {REAL_POSTS} "
            "--out bench/results.json"
        )
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.rmtree(_home, ignore_errors=True)


if __name__ == "__main__":
    main()
