"""The command line: argparse and the command bodies (thin: call a stage, print)."""

from intl_pub.cli.app import main
from intl_pub.cli.commands import settings_from_args

__all__ = ["main", "settings_from_args"]
