"""``python -m massbalance``: the command-line tool."""

from __future__ import annotations

import sys

from ._launch import main

if __name__ == "__main__":
    sys.exit(main())
