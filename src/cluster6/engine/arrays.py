"""Array aliases and the small numeric conventions shared by the engine's modules."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: Year sentinel for "not within the horizon" (larger than every real year, so max/min work).
NEVER = 9999
#: Year sentinel for "no requirement" (smaller than every real year).
NO_NEED = 0
#: Capacity sentinel for "unconstrained" (kW); far above any sum of requests.
INF_KW = np.int64(2**62)
#: Request-date sentinel (ordinal) for a request without a date: behind every dated request.
NO_DATE = date.max.toordinal() + 1
#: Request-date sentinel (ordinal) for another company's request without a date: the published waiting list,
#: already in the queue, so ahead of every dated or undated plan of its class (rule 4).
IN_WAITING_LIST = 0

EARTH_RADIUS_KM = 6371.0


def to_kw(mw: float) -> int:
    """MW to whole kW (half to even), the engine's unit of grid capacity."""
    return round(mw * 1000.0)


def to_kw_array(mw: FloatArray) -> IntArray:
    return np.rint(mw * 1000.0).astype(np.int64)


def to_metres(km: float) -> int:
    """km to whole metres (half to even), the engine's unit of distance."""
    return round(km * 1000.0)


def to_metres_array(km: FloatArray) -> FloatArray:
    """As to_metres, elementwise; kept as floats so that nan (an unknown distance) stays nan."""
    return np.rint(km * 1000.0)


def year_or_none(year: int) -> int | None:
    return None if year >= NEVER or year <= NO_NEED else int(year)


def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    """Great-circle distance in km; works on scalars and broadcast numpy arrays."""
    rlat1, rlat2 = np.radians(lat1), np.radians(lat2)
    dlat = rlat2 - rlat1
    dlon = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dlat / 2.0) ** 2 + np.cos(rlat1) * np.cos(rlat2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def group_starts(groups: IntArray) -> IntArray:
    """For a sorted group array, the index of the first element of each element's group."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.empty(n, dtype=np.bool_)
    first[0] = True
    first[1:] = groups[1:] != groups[:-1]
    idx = np.where(first, np.arange(n, dtype=np.int64), 0)
    return np.maximum.accumulate(idx)
