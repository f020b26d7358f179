"""The allocator setting for CTranslate2: only where the environment (Dask) fixed glibc's
mmap threshold, and there large buffers are reused instead of mapped anew."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from intl_pub.mt.allocator import fixed_threshold

SRC = Path(__file__).resolve().parent.parent / "src"

# Allocate, touch and free a 1 MiB buffer 200 times while another block stays live above it (as
# CTranslate2's other tensors do); report the page faults taken. A buffer from mmap costs ~256
# faults every time; one reused from the heap costs nothing after the first.
CHURN = """
import ctypes, json, resource, sys
from intl_pub.mt import allocator
changed = allocator.keep_buffers() if sys.argv[1] == "keep" else False
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
before = faults()
live = None
for _ in range(200):
    block = libc.malloc(1 << 20)
    ctypes.memset(block, 1, 1 << 20)
    live = live or libc.malloc(1 << 18)
    libc.free(block)
print(json.dumps({"changed": changed, "faults": faults() - before}))
"""


def _churn(env: dict[str, str], mode: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        env={"PYTHONPATH": str(SRC), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_under_dasks_trim_threshold_large_buffers_are_reused_after_keep_buffers() -> None:
    dask = {"MALLOC_TRIM_THRESHOLD_": "65536"}  # what distributed's nanny sets in a worker
    mapped = _churn(dask, "plain")
    kept = _churn(dask, "keep")
    assert kept["changed"] is True
    assert mapped["faults"] > 200 * 200  # every MiB mapped and faulted in again
    assert kept["faults"] < mapped["faults"] / 20
    # a process whose environment leaves glibc alone is left alone
    assert _churn({}, "keep")["changed"] is False


def test_only_an_environment_that_fixed_the_threshold_is_changed() -> None:
    assert fixed_threshold({"MALLOC_TRIM_THRESHOLD_": "65536"})
    assert fixed_threshold({"MALLOC_TOP_PAD_": "0"})
    assert fixed_threshold({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536"})
    assert not fixed_threshold({})
    assert not fixed_threshold({"OMP_NUM_THREADS": "1"})
    # a threshold the user chose is theirs
    assert not fixed_threshold({"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_MMAP_THRESHOLD_": "1"})
    assert not fixed_threshold(
        {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=1:glibc.malloc.trim_threshold=1"}
    )
