"""Build hook: ship the Markdown user guides of ``docs/`` inside the wheel.

Each ``docs/*.md`` (but the site's index) becomes
``massbalance/_guides/<name>.md``, which ``massbalance help <name>`` prints.
An editable install reads them from ``docs/`` directly instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GuidesBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Force-include the guides into the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        docs = Path(self.root) / "docs"
        for guide in sorted(docs.glob("*.md")):
            if guide.name == "index.md":
                continue
            build_data["force_include"][str(guide)] = f"massbalance/_guides/{guide.name}"
