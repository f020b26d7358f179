"""The command line: argparse and the command bodies (thin: call a stage, print)."""

from intl_pub.cli.app import *  # noqa: F403  (the package's public API)
