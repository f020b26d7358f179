"""glibc's allocator, set so that CTranslate2 reuses its buffers instead of mapping them anew.

glibc raises its mmap threshold as a program frees large blocks (up to 32 MiB on
64-bit), so the tensors CTranslate2 allocates for every decoding step soon come
from the heap and are reused. Setting any of ``MALLOC_TRIM_THRESHOLD_``,
``MALLOC_TOP_PAD_``, ``MALLOC_MMAP_MAX_`` (or their ``GLIBC_TUNABLES``) turns that
adjustment off and leaves the threshold at 128 KiB: every such buffer is then an
``mmap``, page faults and zeroed pages, and its ``munmap``. Dask's nanny sets
``MALLOC_TRIM_THRESHOLD_=65536`` in every worker process it starts
(``distributed.nanny.pre-spawn-environ``), which made a shard on a Dask worker
cost about three times the CPU of the same shard in a plain process.

:func:`keep_buffers` sets the threshold to the value glibc's own adjustment would
reach, where the environment turned the adjustment off and did not choose a
threshold itself. The trim threshold stays as set: freed memory at the top of
the heap still goes back to the system, as Dask wants.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Mapping

from intl_pub.core.config import environment

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""mallopt's parameter number (glibc malloc.h)."""
MMAP_THRESHOLD = 32 * 2**20
"""glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: where its own adjustment stops."""
STATIC = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_")
"""Variables whose presence turns glibc's mmap threshold adjustment off."""

_done = False


def fixed_threshold(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` turned glibc's mmap threshold adjustment off without choosing a
    threshold (an explicit ``MALLOC_MMAP_THRESHOLD_`` is the user's and is kept)."""
    tunables = environ.get("GLIBC_TUNABLES", "")
    if "MALLOC_MMAP_THRESHOLD_" in environ or "glibc.malloc.mmap_threshold" in tunables:
        return False
    return any(name in environ for name in STATIC) or any(
        f"glibc.malloc.{name}" in tunables for name in ("trim_threshold", "top_pad", "mmap_max")
    )


def keep_buffers() -> bool:
    """Raise the mmap threshold to 32 MiB where the environment fixed it (once per process);
    True if it was changed. Elsewhere (no glibc, nothing set) nothing is done."""
    global _done
    if (
        _done
        or not sys.platform.startswith("linux")
        or not fixed_threshold(environment().malloc)
    ):
        return False
    _done = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        changed = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    if changed:
        log.info("malloc: mmap threshold set to %d MiB for CTranslate2", MMAP_THRESHOLD >> 20)
    return changed
