"""Reports are built with the garbage collector paused: threads share the pause, and it always ends."""

from __future__ import annotations

import gc
import threading

import pytest

from prhub.gcpause import collector_paused


def test_the_collector_runs_again_after_the_last_build() -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def build() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=build)
    other.start()
    inside.wait(5)
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other build still runs
    release.set()
    other.join(5)
    assert gc.isenabled()


def test_a_failed_build_ends_the_pause() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
