"""An image scraper for the gallery: picks up the PNG files an example saves.

The examples save their figures with ``fig.savefig("name.png")`` and close
them, so that they run headless; this moves each file they wrote into the
gallery's images and shows it under the code block that made it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx_gallery.scrapers import figure_rst


def saved_png_scraper(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """Move the PNGs written next to the example into the gallery."""
    folder = Path(block_vars["src_file"]).parent
    images = []
    for png in sorted(folder.glob("*.png")):
        target = block_vars["image_path_iterator"].next()
        shutil.move(str(png), target)
        images.append(target)
    return str(figure_rst(images, gallery_conf["src_dir"]))
