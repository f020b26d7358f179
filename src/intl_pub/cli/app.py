"""The ``intl-pub`` command line.

``run`` executes the Prefect flow (intl_pub_flows); the other commands call
the pipeline steps directly, so a translator can check or preview without
starting Prefect. Any IntlPubError becomes one ``error:`` line and exit 1.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from intl_pub.cli.parser import build
from intl_pub.core.errors import IntlPubError

log = logging.getLogger("intl_pub")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Prefect API call
    try:
        return int(args.handler(args) or 0)
    except IntlPubError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
