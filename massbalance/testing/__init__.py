"""Public test helpers: hypothesis strategies for balanced flowsheets and releases.

Importing the strategies needs ``hypothesis`` (the ``test`` extra); the core
library never imports this package.
"""

from __future__ import annotations

__all__: list[str] = []
