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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, ReleaseFormatError
from ..flowsheet import Flowsheet
from ..reconcile import Measured
from ..units import parse_quantity
from ._loader import load_toml
from ._schema import validate

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
    return parse_quantity(text)


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
    meta = dict(data.get("plant", {}))
    nodes_raw = data.get("nodes")
    if not isinstance(nodes_raw, dict) or not nodes_raw:
        raise InputError(f"{path}: no [nodes.NAME] tables", str(path))
    nodes = {}
    for name, spec in nodes_raw.items():
        if not isinstance(spec, dict) or "in" not in spec or "out" not in spec:
            raise InputError(
                f"{path}: [nodes.{name}] needs in = [...] and out = [...]", name
            )
        nodes[name] = (list(spec["in"]), list(spec["out"]))
    flowsheet = Flowsheet(nodes, elements=list(meta.get("elements", [])))
    default = meta.get("rsd")
    measurements: dict[str, dict[str, Measured]] = {}
    for stream, items in data.get("streams", {}).items():
        measurements[stream] = {}
        for key, spec in items.items():
            where = f"streams.{stream}.{key}"
            if isinstance(spec, str):
                spec = {"value": spec}
            if not isinstance(spec, dict) or "value" not in spec:
                raise InputError(f"{path}: {where} needs a value", where)
            value = _parse(spec["value"], where)
            if "sd" in spec and "rsd" in spec:
                raise InputError(f"{path}: {where} has both sd and rsd", where)
            if "sd" in spec:
                meas = Measured(value, sd=_parse(spec["sd"], f"{where}.sd"))
            elif "rsd" in spec or default is not None:
                rsd = _parse(spec.get("rsd", default), f"{where}.rsd")
                meas = Measured(value, rsd=rsd)
            else:
                raise InputError(
                    f"{path}: {where} has no sd or rsd (and [plant] sets no rsd)",
                    where,
                )
            measurements[stream][key] = meas
    return PlantData(flowsheet=flowsheet, measurements=measurements, meta=meta)
