"""The plan and its steps (pull, extract, translate, publish), run in this process or by flows."""

from intl_pub.pipeline.steps import *  # noqa: F403  (the package's public API)
