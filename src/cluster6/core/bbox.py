"""The viewport of a map request: `?bbox=west,south,east,north` (WGS84 degrees, as Leaflet's
`map.getBounds().toBBoxString()` writes it), and the hard cap on the points one map response holds.

Maps fetch their points by viewport: a response never holds more than `MAP_LIMIT` points (the most
relevant first, by the caller's order) and says when it left points out (`truncated`), so that a map of
the whole country at national scale stays small and the browser asks again, for the area it shows, when
the user zooms in."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Q

#: The most points one map response holds.
MAP_LIMIT = 1500


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    def q(self, prefix: str = "") -> Q:
        """Rows whose `latitude` / `longitude` (under `prefix`, e.g. "location__") lie in the box."""
        return Q(
            **{
                f"{prefix}longitude__gte": self.west,
                f"{prefix}longitude__lte": self.east,
                f"{prefix}latitude__gte": self.south,
                f"{prefix}latitude__lte": self.north,
            }
        )


def parse_bbox(value: str | None) -> BBox | None:
    """`west,south,east,north` as a BBox; None when absent or not four finite numbers in range (the map
    then gets the first `MAP_LIMIT` points of the whole area)."""
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    west, east = max(-180.0, west), min(180.0, east)
    south, north = max(-90.0, south), min(90.0, north)
    if west > east or south > north:
        return None
    return BBox(west, south, east, north)


def limit_of(value: str | None, default: int = MAP_LIMIT) -> int:
    """A `?limit=` below the cap (never above it)."""
    try:
        n = int(value or default)
    except ValueError:
        return default
    return max(1, min(n, MAP_LIMIT))
