"""Placing points in provinces and municipalities from the boundaries stored in the database.

`Locator.from_db()` reads the GeoJSON geometries once and indexes them in a shapely STRtree;
`locate(lon, lat)` then answers in microseconds: the municipality whose polygon contains the point, or,
for points just outside every polygon (coastal sites, since the CBS boundaries are simplified), the
nearest municipality within `max_distance_km` (10 km by default). Distances are computed in a local
equirectangular projection in kilometres, which is accurate to well under 1% across the Netherlands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

#: Reference latitude of the projection (the middle of the Netherlands).
REFERENCE_LATITUDE = 52.2
KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON = 111.320 * math.cos(math.radians(REFERENCE_LATITUDE))
DEFAULT_MAX_DISTANCE_KM = 10.0


def to_km(geometry: BaseGeometry) -> BaseGeometry:
    """WGS84 degrees -> kilometres in the local projection (x east, y north)."""
    scale = np.array([KM_PER_DEGREE_LON, KM_PER_DEGREE_LAT])
    return shapely.transform(geometry, lambda coords: coords * scale)


def geometry_from_geojson(data: Mapping[str, Any]) -> BaseGeometry:
    """A shapely (multi)polygon from a GeoJSON geometry object; invalid rings are repaired.
    Raises ValueError when `data` is not a polygon or multipolygon."""
    if not isinstance(data, Mapping) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValueError("not a Polygon or MultiPolygon")
    geometry = shape(data)
    if geometry.is_empty:
        raise ValueError("empty geometry")
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


class Placement(NamedTuple):
    """Where a point lies: a province, and a municipality when municipalities are loaded."""

    province_id: int
    municipality_id: int | None


class _Index:
    """An STRtree over polygons in km, each with an id and a sort key for deterministic ties."""

    def __init__(self, items: Iterable[tuple[int, str, BaseGeometry]]) -> None:
        rows = sorted(items, key=lambda item: item[1])
        self.ids = [i for i, _key, _geom in rows]
        self.geometries = np.array([to_km(g) for _i, _key, g in rows], dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, x: float, y: float, max_distance_km: float) -> tuple[int, float] | None:
        """(id, distance in km) of the polygon containing (x, y) in km, else of the nearest one within
        `max_distance_km`; None when there is none. The first in sort order wins a tie."""
        point = shapely.Point(x, y)
        for index in sorted(self.tree.query(point)):
            if shapely.intersects_xy(self.geometries[index], x, y):
                return self.ids[index], 0.0
        if max_distance_km <= 0:
            return None
        hits = self.tree.query_nearest(point, max_distance=max_distance_km, all_matches=True)
        if len(hits) == 0:
            return None
        index = int(min(hits))
        return self.ids[index], float(shapely.distance(self.geometries[index], point))


class Locator:
    """Point-in-polygon placement over the provinces and municipalities in the database."""

    def __init__(
        self,
        *,
        provinces: Iterable[tuple[int, str, Mapping[str, Any] | None]] = (),
        municipalities: Iterable[tuple[int, str, int, Mapping[str, Any] | None]] = (),
        max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
    ) -> None:
        self.max_distance_km = max_distance_km
        municipality_rows = [(mid, code, pid, g) for mid, code, pid, g in municipalities if g is not None]
        self._municipality_province = {mid: pid for mid, _code, pid, _g in municipality_rows}
        self._municipality_code = {mid: code for mid, code, _pid, _g in municipality_rows}
        self._municipalities = _Index(
            (mid, code, geometry_from_geojson(g)) for mid, code, _pid, g in municipality_rows
        )
        self._provinces = _Index(
            (pid, code, geometry_from_geojson(g)) for pid, code, g in provinces if g is not None
        )

    @classmethod
    def from_db(cls, *, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> Locator:
        """Built once from every province and municipality that has a geometry."""
        from .models import Municipality, Province

        return cls(
            provinces=Province.objects.filter(geometry__isnull=False).values_list("id", "code", "geometry"),
            municipalities=Municipality.objects.filter(geometry__isnull=False).values_list(
                "id", "code", "province_id", "geometry"
            ),
            max_distance_km=max_distance_km,
        )

    def __bool__(self) -> bool:
        return bool(len(self._municipalities) or len(self._provinces))

    @property
    def has_municipalities(self) -> bool:
        return bool(len(self._municipalities))

    def municipality_code(self, municipality_id: int | None) -> str | None:
        return self._municipality_code.get(municipality_id) if municipality_id is not None else None

    def locate_with_distance(self, lon: float, lat: float) -> tuple[Placement, float] | None:
        """The placement and the distance in km to the polygon (0 inside it)."""
        x, y = lon * KM_PER_DEGREE_LON, lat * KM_PER_DEGREE_LAT
        if len(self._municipalities):
            hit = self._municipalities.find(x, y, self.max_distance_km)
            if hit is not None:
                mid, distance = hit
                return Placement(self._municipality_province[mid], mid), distance
            return None
        hit = self._provinces.find(x, y, self.max_distance_km)
        if hit is not None:
            return Placement(hit[0], None), hit[1]
        return None

    def locate(self, lon: float, lat: float) -> Placement | None:
        """(province_id, municipality_id) of the point, or None when it lies more than
        `max_distance_km` outside every polygon (or no boundaries are loaded)."""
        found = self.locate_with_distance(lon, lat)
        return found[0] if found is not None else None
