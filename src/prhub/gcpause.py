"""The cyclic garbage collector paused while reports are built.

A report makes a few hundred thousand objects that all live until it is built:
the collector would walk them over and over and free nothing (~30 ms of a busy
vllm week). Threads that build at once share one pause; the collector runs
again when the last of them is done.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
