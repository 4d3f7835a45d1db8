"""Mass splits from assays: the two-, three- and n-product formulas.

Public functions take and return Quantities; the float kernels in
``_kernels`` work in canonical units (mass fractions). Every function
broadcasts over scenario arrays.

Examples
--------
>>> from massbalance import Q_, solve
>>> pb = lambda value: {"Pb": Q_(value, "%")}
>>> r = solve.two_product(pb(5), pb(60), pb(0.5))
>>> f"{r.mass_pull:.2f~P}", f"{r.recovery_of('Pb', 'conc'):.2f~P}"
('7.56 %', '90.76 %')

All three return a :class:`BalanceResult` with the same members (``splits``,
``recovery``, ``masses()``, ``distribution()``, ``grades``, ``split_sd``,
``recovery_sd``, ``condition``, ``to_frame()``), for one scenario or many.
"""

from __future__ import annotations

from .n_product import (
    DEGENERATE_CONDITION,
    POOR_CONDITION,
    BalanceResult,
    n_product,
)
from .three_product import three_product
from .two_product import TwoProductResult, two_product

__all__ = [
    "DEGENERATE_CONDITION",
    "POOR_CONDITION",
    "BalanceResult",
    "TwoProductResult",
    "n_product",
    "three_product",
    "two_product",
]
