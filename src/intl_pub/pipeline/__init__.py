"""The plan and its steps (pull, extract, translate, publish), run in this process or by flows.

:mod:`~intl_pub.pipeline.plan` owns the sequence and how a step is run; one
module per step; :mod:`~intl_pub.pipeline.parallel` owns the worker processes
and the process-wide tricks speed depends on.
"""

from intl_pub.pipeline.extract import extract
from intl_pub.pipeline.plan import (
    ProgressFor,
    Step,
    engine_for,
    locked,
    mt_settings,
    plan,
    run,
    run_step,
)
from intl_pub.pipeline.publish import publish_site
from intl_pub.pipeline.pull import pull
from intl_pub.pipeline.translate import translate
from intl_pub.workdir.store import LOCK_FILE

__all__ = [
    "LOCK_FILE",
    "ProgressFor",
    "Step",
    "engine_for",
    "extract",
    "locked",
    "mt_settings",
    "plan",
    "publish_site",
    "pull",
    "run",
    "run_step",
    "translate",
]
