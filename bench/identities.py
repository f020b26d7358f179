"""A feed that moves every post to new ids (RSS guid -> Atom id): each keeps its slug through
its link. Prints the cost per post at N and 10 N posts: about 1.0x when it is linear.

    .venv/bin/python bench/identities.py [--posts 10000]

Before 5,000 posts took 1.69 s here (every new identity scanned every slug: 100,000 would
have taken about 11 minutes); now 100,000 take about 1.6 s.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from intl_pub.workdir.identities import Identities


def moved(posts: int) -> float:
    """Seconds to give ``posts`` posts with new ids their slugs (checked: all kept)."""
    ids = Identities(
        {f"urn:guid:{i}": f"post-{i}" for i in range(posts)},
        {f"https://blog.example/p/{i}": f"post-{i}" for i in range(posts)},
        recorded=True,
    )
    new = [(f"tag:blog.example,2026:{i}", f"https://blog.example/p/{i}") for i in range(posts)]
    ids.pulling(identity for identity, _ in new)
    start = time.perf_counter()
    slugs = [ids.slug_for(i, f"new-{k}", datetime(2026, 1, 1), link)
             for k, (i, link) in enumerate(new)]
    took = time.perf_counter() - start
    if slugs != [f"post-{i}" for i in range(posts)]:
        raise SystemExit("a post lost its slug")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    posts = parser.parse_args().posts
    small, big = moved(posts), moved(10 * posts)
    print(f"{posts} posts: {small:.2f} s; {10 * posts}: {big:.2f} s; "
          f"per post {big / small / 10:.2f}x (1.0x: linear)")


if __name__ == "__main__":
    main()
