"""The label vocabulary: ``labels.toml`` in this package, extensible by a user file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ...errors import ReleaseFormatError

__all__ = ["Vocabulary", "load_vocabulary", "normalise"]

_FOOTNOTE = re.compile(r"\(\s*(?:\d{1,2}|[a-z]|[ivx]+)\s*\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰†‡]+")
_DASHES = re.compile(r"[–—−‐]")


def normalise(label: str) -> str:
    """Lower case, footnote markers and trailing colons removed, spaces collapsed.

    >>> normalise("Production – contained metal:(1)")
    'production - contained metal'
    """
    text = _DASHES.sub("-", label.lower())
    text = _FOOTNOTE.sub(" ", text)
    return " ".join(text.replace("\u00a0", " ").split()).strip(" :")


@dataclass(frozen=True)
class _Phrases:
    """Phrase -> meaning, matched on whole words, longest first."""

    items: tuple[tuple[str, str], ...]
    pattern: re.Pattern[str] = field(compare=False)

    @classmethod
    def build(cls, table: dict[str, list[str]]) -> _Phrases:
        items = sorted(
            ((normalise(p), k) for k, ps in table.items() for p in ps),
            key=lambda item: -len(item[0]),
        )
        alternatives = "|".join(re.escape(p) for p, _ in items) or "(?!)"
        pattern = re.compile(rf"(?<![\w/'])(?:{alternatives})(?![\w/])")
        return cls(tuple(items), pattern)

    def find(self, text: str) -> list[tuple[str, str, int, int]]:
        """Every non-overlapping match: (meaning, phrase, start, end), left to right."""
        lookup = dict(reversed(self.items))
        return [
            (lookup[m.group(0)], m.group(0), m.start(), m.end())
            for m in self.pattern.finditer(text)
        ]

    def first(self, text: str) -> str | None:
        """The meaning of the longest phrase in ``text`` (leftmost on a tie)."""
        found = self.find(text)
        if not found:
            return None
        return max(found, key=lambda f: (len(f[1]), -f[2]))[0]


@dataclass(frozen=True)
class Vocabulary:
    """The phrases of row and column labels and what they mean.

    Attributes
    ----------
    elements, units, streams, kinds : _Phrases
        Phrase matchers: to an element symbol, a printed unit spelling, a
        stream name, a kind of figure (grade, recovery, contained, mass,
        throughput).
    feeds : frozenset of str
        The stream names that are a mill feed.
    concentrate_of : dict of str to str
        Element -> the stream name of its concentrate.
    """

    elements: _Phrases
    units: _Phrases
    streams: _Phrases
    kinds: _Phrases
    scales: _Phrases
    feeds: frozenset[str]
    concentrate_of: dict[str, str]


def _merge(base: dict[str, Any], extra: dict[str, Any], where: str) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for section, table in extra.items():
        if section not in ("elements", "units", "streams", "kinds", "scales"):
            raise ReleaseFormatError(
                f"{where}: unknown section [{section}] "
                "(elements, units, streams, kinds, scales)",
                where,
                section,
            )
        if not isinstance(table, dict):
            raise ReleaseFormatError(f"{where}: [{section}] must be a table", where)
        target = out.setdefault(section, {})
        for key, value in table.items():
            if section == "streams":
                merged = dict(target.get(key, {}))
                if not isinstance(value, dict):
                    raise ReleaseFormatError(
                        f"{where}: [streams.{key}] must be a table with labels = [...]",
                        where,
                        key,
                    )
                merged["labels"] = [*value.get("labels", []), *merged.get("labels", [])]
                merged.update({k: v for k, v in value.items() if k != "labels"})
                target[key] = merged
            else:
                if not isinstance(value, list) or not all(
                    isinstance(v, str) for v in value
                ):
                    raise ReleaseFormatError(
                        f"{where}: {section}.{key} must be a list of phrases",
                        where,
                        key,
                    )
                target[key] = [*value, *target.get(key, [])]
    return out


@lru_cache(maxsize=8)
def _load(extra_path: str | None) -> Vocabulary:
    text = resources.files(__package__).joinpath("labels.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    if extra_path is not None:
        try:
            extra = tomllib.loads(Path(extra_path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise ReleaseFormatError(
                f"{extra_path}: cannot read the label file: {err}", extra_path
            ) from err
        except tomllib.TOMLDecodeError as err:
            raise ReleaseFormatError(
                f"{extra_path}: malformed TOML: {err}", extra_path
            ) from err
        data = _merge(data, extra, extra_path)
    streams = data["streams"]
    return Vocabulary(
        elements=_Phrases.build(data["elements"]),
        units=_Phrases.build(data["units"]),
        streams=_Phrases.build({k: v.get("labels", []) for k, v in streams.items()}),
        kinds=_Phrases.build(data["kinds"]),
        scales=_Phrases.build(data.get("scales", {})),
        feeds=frozenset(k for k, v in streams.items() if v.get("feed")),
        concentrate_of={v["element"]: k for k, v in streams.items() if "element" in v},
    )


def load_vocabulary(extra: str | Path | None = None) -> Vocabulary:
    """The package's vocabulary, with the phrases of ``extra`` (a TOML file) added.

    Parameters
    ----------
    extra : str or Path, optional
        A file in the layout of ``labels.toml``; its phrases win on ties.
    """
    return _load(None if extra is None else str(extra))
