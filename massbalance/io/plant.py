"""Plant data files: a flowsheet and its measurements in TOML.

::

    [plant]
    name = "Pb-Zn rougher"
    elements = ["Pb", "Zn"]
    rsd = "2 %"                  # default relative SD of a bare value (optional)

    [nodes.rougher]
    in = ["feed"]
    out = ["conc", "tail"]

    [streams.feed]
    mass = { value = "1,000 t", rsd = "2 %" }   # relative SD
    Pb = { value = "5.1 %", sd = "0.1 %" }      # absolute SD, in a grade unit
    Zn = "3.0 %"                                # uses [plant] rsd

Values are printed strings (``"21,251 t"``, ``"899 g/t"``); ``sd`` is an
absolute standard deviation in a unit of the value's dimension, ``rsd`` a
relative one. Quantities not written are unmeasured.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, MassBalanceError, ReleaseFormatError
from ..flowsheet import Flowsheet
from ..reconciliation import Measured
from ._limits import parse_checked
from ._loader import load_toml
from ._schema import Problem, key_path, raise_problems, validate

__all__ = ["PlantData", "read_plant"]


@dataclass(frozen=True, slots=True, eq=False)
class PlantData:
    """A flowsheet, its measurements and the file's ``[plant]`` table."""

    flowsheet: Flowsheet  #: nodes, streams and elements
    measurements: dict[str, dict[str, Measured]]  #: stream -> quantity -> Measured
    meta: dict[str, Any]  #: the ``[plant]`` table


def _parse(text: object, where: str) -> Any:
    if not isinstance(text, str):
        raise ReleaseFormatError(
            f"{where}: expected a printed value in quotes, got {text!r}", where
        )
    return parse_checked(text, where=where).quantity


def _references(data: dict[str, Any]) -> list[Problem]:
    """Measured streams no node names, and assays of elements not in ``[plant]``."""
    problems: list[Problem] = []
    named = {s for node in data["nodes"].values() for s in (*node["in"], *node["out"])}
    elements = data.get("plant", {}).get("elements", [])
    for stream, items in data.get("streams", {}).items():
        at = key_path("streams", stream)
        if stream not in named:
            close = difflib.get_close_matches(stream, sorted(named), n=1)
            hint = f"; did you mean {close[0]!a}?" if close else ""
            problems.append(
                Problem(at, f"no node has stream {stream!a} in or out{hint}")
            )
        for key in items:
            if key != "mass" and key not in elements:
                problems.append(
                    Problem(
                        key_path(at, key),
                        f"an assay of {key!a}, which [plant] elements = "
                        f"{elements} does not list",
                    )
                )
    return problems


def read_plant(path: str | Path) -> PlantData:
    """Read a plant-data TOML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    PlantData

    Raises
    ------
    InputError
        A malformed file, a missing SD, an unknown key.
    """
    path = Path(path)
    data = load_toml(path)
    validate(data, "plant", str(path))
    raise_problems(_references(data), str(path))
    try:
        return _build(data)
    except MassBalanceError as err:
        raise type(err)(f"{path}: {err.message}", err.where, err.value) from err


def _build(data: dict[str, Any]) -> PlantData:
    meta = dict(data.get("plant", {}))
    nodes = {
        name: (list(spec["in"]), list(spec["out"]))
        for name, spec in data["nodes"].items()
    }
    flowsheet = Flowsheet(nodes, elements=list(meta.get("elements", [])))
    default = meta.get("rsd")
    measurements: dict[str, dict[str, Measured]] = {}
    for stream, items in data.get("streams", {}).items():
        measurements[stream] = {}
        for key, spec in items.items():
            where = f"streams.{stream}.{key}"
            if isinstance(spec, str):
                spec = {"value": spec}
            value = _parse(spec["value"], where)
            if "sd" in spec and "rsd" in spec:
                raise InputError(f"{where}: has both sd and rsd; give one", where)
            if "sd" in spec:
                meas = Measured(value, sd=_parse(spec["sd"], f"{where}.sd"))
            elif "rsd" in spec or default is not None:
                rsd = _parse(spec.get("rsd", default), f"{where}.rsd")
                meas = Measured(value, rsd=rsd)
            else:
                raise InputError(
                    f"{where}: has no sd or rsd (and [plant] sets no rsd)", where
                )
            measurements[stream][key] = meas
    return PlantData(flowsheet=flowsheet, measurements=measurements, meta=meta)
