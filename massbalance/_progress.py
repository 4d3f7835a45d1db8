"""A progress line on standard error for long work, only when a person watches."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["progress"]


@contextmanager
def progress(
    label: str, *, after: float = 2.0, every: float = 5.0, stream: TextIO | None = None
) -> Iterator[None]:
    """Tell ``stream`` (standard error) that ``label`` is still at work.

    Nothing is written unless ``stream`` is a terminal and the work lasts
    longer than ``after`` seconds; then one plain line every ``every``
    seconds, such as ``massbalance check: working (2 s)...``.

    Parameters
    ----------
    label : str
        What is working, e.g. ``"massbalance check"``.
    after : float
        Seconds of silence before the first line. [s]
    every : float
        Seconds between lines after that. [s]
    stream : file, optional
        Where to write; ``sys.stderr`` by default.
    """
    out = sys.stderr if stream is None else stream
    try:
        watched = out.isatty()
    except (AttributeError, ValueError):
        watched = False
    if not watched:
        yield
        return
    done = threading.Event()
    start = time.monotonic()

    def tell() -> None:
        wait = after
        while not done.wait(wait):
            elapsed = time.monotonic() - start
            try:
                out.write(f"{label}: working ({elapsed:.0f} s)...\n")
                out.flush()
            except (OSError, ValueError):
                return
            wait = every

    thread = threading.Thread(target=tell, name="massbalance-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
