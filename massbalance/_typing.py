"""Type aliases shared by the package (private)."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pint

FloatArray: TypeAlias = npt.NDArray[np.float64]
Quantity: TypeAlias = "pint.Quantity[Any]"
