# PYTHON_ARGCOMPLETE_OK
"""The ``massbalance`` console script's entry point.

``--version`` and ``help`` are answered here, before the library (numpy,
scipy, pint) is imported; shell completion through argcomplete starts here too. Everything
else goes to :func:`massbalance.cli.main`, under a progress line on standard
error for work that takes over two seconds when standard error is a terminal.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from . import __version__
from ._progress import progress

__all__ = ["main"]

#: :func:`time.monotonic` when the running command started (before the
#: library's imports), so that ``--timeout`` counts them; None between commands
STARTED: float | None = None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        print(f"massbalance {__version__}")
        return 0
    if args[:1] == ["help"] and len(args) <= 2 and not args[-1].startswith("-"):
        return _help(args[1] if len(args) == 2 else None)
    if "_ARGCOMPLETE" in os.environ:  # pragma: no cover - driven by the shell
        _argcomplete()
    global STARTED
    STARTED = time.monotonic()
    try:
        from .cli import main as cli_main

        command = next((a for a in args if not a.startswith("-")), "")
        with progress(f"massbalance {command}".strip()):
            return cli_main(args)
    finally:
        STARTED = None


def _help(name: str | None) -> int:
    """``massbalance help [NAME]`` without importing the library."""
    from .errors import InputError
    from .guides import help_text

    try:
        sys.stdout.write(help_text(name))
    except InputError as err:
        print(f"massbalance help: error: {err.message}", file=sys.stderr)
        return 2
    return 0


def _argcomplete() -> None:  # pragma: no cover - driven by the shell
    try:
        import argcomplete
    except ImportError:
        return
    from .cli import _parser

    argcomplete.autocomplete(_parser())
