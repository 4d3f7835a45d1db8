"""The user guides, as installed: ``massbalance help GUIDE`` prints one.

A wheel carries the Markdown guides in ``massbalance/_guides/``; a source
checkout (an editable install) reads them from its ``docs/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

__all__ = ["guide_names", "guide_text", "help_text"]

_PACKAGED = Path(__file__).with_name("_guides")
_SOURCE = Path(__file__).resolve().parents[1] / "docs"
_NOT_GUIDES = frozenset({"index"})


def _folder() -> Path | None:
    for folder in (_PACKAGED, _SOURCE):
        if folder.is_dir() and any(folder.glob("*.md")):
            return folder
    return None


def guide_names() -> tuple[str, ...]:
    """The names of the installed guides, sorted (``"release-format"``, ...).

    Examples
    --------
    >>> "release-format" in guide_names()
    True
    """
    folder = _folder()
    if folder is None:
        return ()
    return tuple(
        sorted(p.stem for p in folder.glob("*.md") if p.stem not in _NOT_GUIDES)
    )


def guide_text(name: str) -> str:
    """The Markdown text of guide ``name`` (``"release-format"`` or ``"release-format.md"``).

    Raises
    ------
    InputError
        If no guide has that name; the message lists the guides there are.

    Examples
    --------
    >>> guide_text("release-format").startswith("#")
    True
    """
    stem = name.removesuffix(".md")
    names = guide_names()
    if stem not in names:
        known = ", ".join(names) or "none are installed"
        raise InputError(f"no guide named {name!r}; the guides: {known}", name, name)
    folder = _folder()
    assert folder is not None
    return (folder / f"{stem}.md").read_text(encoding="utf-8")


def help_text(name: str | None = None) -> str:
    """What ``massbalance help [NAME]`` prints: the list of guides, or one guide.

    Raises
    ------
    InputError
        If no guide is called ``name``.
    """
    if name is None:
        lines = ["Guides (massbalance help NAME):", *(f"  {n}" for n in guide_names())]
        return "\n".join(lines) + "\n"
    text = guide_text(name)
    return text if text.endswith("\n") else text + "\n"
