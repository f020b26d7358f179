"""``python -m intl_pub.cli``: the same as the ``intl-pub`` command."""

import sys

from intl_pub.cli.app import main

sys.exit(main())
