"""How the cost of a run follows the change, not the size of the blog.

The CLI as users run it (``intl-pub translate``, then ``intl-pub publish``,
each a new process), with the pseudo engine so no MT cost is measured, on N
generated distinct posts (a folder source, 8 paragraphs each, 3 locales):

* first run, per post, and its publish step alone per page;
* an unchanged re-run, per post;
* one changed post (one paragraph reworded), translate and publish apart;
* peak memory: the largest process's RSS, and all its processes' PSS together.

Then one post of 100,000 paragraphs (translated and published), and a
3,000-paragraph post whose every paragraph is reworded (against its first
run). Process start-up (imports, with bytecode compiled as an installed
package has it) is part of every figure.

    .venv/bin/python bench/scale.py                 # 1,000 and 10,000 posts (~30 min)
    .venv/bin/python bench/scale.py --posts 1000 --skip-big
    .venv/bin/python bench/scale.py --big 100000   # one big post alone
    .venv/bin/python bench/scale.py --posts 100000 --skip-big --keep /tmp/blogs  # ~2 h, kept

Run it alone on the machine: it prints ratios, but its seconds are seconds.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_corpus import paragraph  # noqa: E402

PYTHON = sys.executable
LOCALES = "es,zh-Hans,ru"


def cli(workdir: Path, *args: str) -> float:
    """Run ``intl-pub ARGS`` in a new process; seconds it took (fails loudly). Its memory,
    and its workers', is sampled meanwhile (:data:`PEAK`).

    The environment may say PYTHONDONTWRITEBYTECODE (this machine's does): the
    child is run as an installed package runs, its bytecode compiled once
    (:func:`compile_once`), not recompiled from source at every start-up.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(
            [PYTHON, "-m", "intl_pub.cli", "-q", *args, "--workdir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=errors, text=True, env=env,
        )
        while child.poll() is None:
            _sample(child.pid)
            time.sleep(0.2)
        took = time.perf_counter() - start
        if child.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"intl-pub {' '.join(args)} failed:\n{errors.read()[-3000:]}")
    return took


PEAK = {"largest": 0, "together": 0}
"""KB: the largest process's RSS, and all of a run's processes' PSS at one moment (the
workers a run forks, and the forkserver's, are its descendants, not its waited-for
children: ``RUSAGE_CHILDREN`` does not see them)."""


def _sample(pid: int) -> None:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
            todo += [int(c) for c in children.split()]
    PEAK["largest"] = max([PEAK["largest"], *(_field(p, "status", "VmRSS:") for p in pids)])
    PEAK["together"] = max(PEAK["together"], sum(_field(p, "smaps_rollup", "Pss:") for p in pids))


def _field(pid: int, name: str, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def compile_once() -> None:
    """Bytecode for intl_pub, as ``pip install`` writes it (an editable checkout has none
    when the environment forbids writing it)."""
    import intl_pub

    compileall.compile_dir(Path(intl_pub.__file__).parent, quiet=1)


def run(workdir: Path) -> tuple[float, float]:
    """Seconds of ``intl-pub translate`` and of ``intl-pub publish``."""
    translate = cli(workdir, "translate", "--engine", "pseudo", "--locales", LOCALES)
    return translate, cli(workdir, "publish", "--locales", LOCALES)


def post_html(i: int, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>Post {i}: {paragraphs[0][:40]}</title>"
        f'<meta name="date" content="2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+00:00">'
        f"</head><body><article><h1>Post {i}</h1>\n{body}\n</article></body></html>\n"
    )


def blog(root: Path, posts: int, per_post: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    folder = root / "posts"
    folder.mkdir(parents=True)
    for i in range(posts):
        paragraphs = [f"{paragraph(rng)} (Item {i}.{k}.)" for k in range(per_post)]
        (folder / f"post-{i:05d}.html").write_text(post_html(i, paragraphs), "utf-8")
    (root / "intl-pub.toml").write_text(
        '[site]\ntitle = "Scale"\n[pipeline]\nsources = ["posts"]\nengine = "pseudo"\n', "utf-8"
    )
    return folder


def scale(posts: int, keep: Path | None = None) -> None:
    PEAK.update(largest=0, together=0)
    with contextlib.ExitStack() as stack:
        if keep is None:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="intl-pub-scale-")))
        else:  # kept: its unchanged run can be timed again later
            root = keep / f"posts-{posts}"
        folder = blog(root, posts, 8)
        first_translate, first_publish = run(root)
        again = sum(run(root))
        target = folder / f"post-{posts // 2:05d}.html"
        text = target.read_text("utf-8")
        target.write_text(text.replace("<p>", "<p>Reworded: ", 1), "utf-8")
        one_translate, one_publish = run(root)
        first, one = first_translate + first_publish, one_translate + one_publish
        pages = posts * 4
        print(f"posts: {posts} ({pages} pages, {posts * 8 * 3} catalog entries to translate)")
        print(
            f"  first run: {first:.1f} s = {1000 * first / posts:.2f} ms per post "
            f"({1000 * first / pages:.2f} ms per page)"
        )
        print(
            f"  first publish: {first_publish:.1f} s = {1000 * first_publish / pages:.2f} ms "
            "per page"
        )
        print(f"  unchanged re-run: {again:.2f} s = {1000 * again / posts:.3f} ms per post")
        print(
            f"  one changed post: {one:.2f} s (translate {one_translate:.2f} s, "
            f"publish {one_publish:.2f} s; {one - again:.2f} s more than the unchanged re-run)"
        )
        print(f"  peak memory: {PEAK['largest'] / 1024:.0f} MB (the largest process), "
              f"{PEAK['together'] / 1024:.0f} MB (all processes, PSS)")


def big(paragraphs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="intl-pub-big-") as tmp:
        root = Path(tmp)
        (root / "posts").mkdir()
        rng = random.Random(7)
        if paragraphs > 3000:  # short paragraphs: 100,000 of them in ~2.6 MB, under the 5 MB cap
            texts = [f"Item {k} is open." for k in range(paragraphs)]
        else:
            texts = [f"Paragraph {k}: {paragraph(rng)}" for k in range(paragraphs)]
        page = root / "posts" / "long.html"
        page.write_text(post_html(0, texts), "utf-8")
        (root / "intl-pub.toml").write_text(
            '[pipeline]\nsources = ["posts"]\nengine = "pseudo"\n', "utf-8"
        )
        size = page.stat().st_size / 2**20
        first = sum(run(root))
        print(
            f"one post of {paragraphs} paragraphs ({size:.1f} MB): translated and published "
            f"in {first:.1f} s"
        )
        if paragraphs <= 3000:
            reworded = [t.replace(": ", ": In short, ", 1) for t in texts]
            page.write_text(post_html(0, reworded), "utf-8")
            second = sum(run(root))
            print(
                f"  every paragraph reworded: {second:.1f} s = {second / first:.2f}x its first run"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--posts", type=int, action="append", help="blog sizes (default 1000, 10000)"
    )
    parser.add_argument("--skip-big", action="store_true", help="skip the one-big-post cases")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR",
        help="build each blog in DIR/posts-N and keep it (to time its unchanged run again)",
    )
    parser.add_argument(
        "--big", type=int, action="append", metavar="PARAGRAPHS",
        help="only the one-big-post case of this many paragraphs (repeatable; no blog sizes)",
    )
    args = parser.parse_args()
    compile_once()
    if args.big:  # e.g. --big 100000: the issue-27 figure alone, for a paired A/B timing
        for paragraphs in args.big:
            big(paragraphs)
        return
    for posts in args.posts or [1000, 10_000]:
        scale(posts, args.keep)
    if not args.skip_big:
        big(3000)
        big(100_000)


if __name__ == "__main__":
    main()
