"""Which regional service area (RNB voedingsgebied) a point lies in.

The capacity map publishes no polygons with area ids for service areas, only each area's bounding box.
`ServiceAreaLocator.locate` therefore takes the **smallest bounding box that contains the point**: an
approximation (boxes overlap; a point can lie in a neighbouring area's box), documented in docs/formats.md.
TenneT regions are not considered: they overlay the regional areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cluster6.registry.constants import OrganisationKind
from cluster6.registry.models import Organisation

from ..constants import OperatorType
from ..models import GridServiceArea


@dataclass(frozen=True)
class AreaBox:
    area_id: int
    code: str
    west: float
    south: float
    east: float
    north: float
    operator_id: int | None  # the area's first operator, in the order of the source


def first_operator_name(operator_names: str) -> str:
    """'Coteq, Enexis' -> 'Coteq'."""
    return next((n.strip() for n in operator_names.split(",") if n.strip()), "")


class ServiceAreaLocator:
    def __init__(self, boxes: Iterable[AreaBox]) -> None:
        self.boxes = sorted(boxes, key=lambda b: b.code)
        self._w = np.array([b.west for b in self.boxes], dtype=float)
        self._s = np.array([b.south for b in self.boxes], dtype=float)
        self._e = np.array([b.east for b in self.boxes], dtype=float)
        self._n = np.array([b.north for b in self.boxes], dtype=float)
        self._size = (self._e - self._w) * (self._n - self._s)

    def __bool__(self) -> bool:
        return bool(self.boxes)

    @classmethod
    def from_db(cls) -> ServiceAreaLocator:
        """Every regional (RNB) service area with a complete bounding box."""
        operators = dict(
            Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR).values_list("name", "id")
        )
        rows = GridServiceArea.objects.filter(
            operator_type=OperatorType.RNB,
            bbox_west__isnull=False,
            bbox_south__isnull=False,
            bbox_east__isnull=False,
            bbox_north__isnull=False,
        ).values_list("id", "code", "bbox_west", "bbox_south", "bbox_east", "bbox_north", "operator_names")
        return cls(
            AreaBox(pk, code, w, s, e, n, operators.get(first_operator_name(names)))
            for pk, code, w, s, e, n, names in rows
            if w is not None and s is not None and e is not None and n is not None
        )

    def locate(self, lon: float, lat: float) -> AreaBox | None:
        """The area with the smallest bounding box containing the point (ties: the first code)."""
        if not self.boxes:
            return None
        inside = (self._w <= lon) & (lon <= self._e) & (self._s <= lat) & (lat <= self._n)
        if not inside.any():
            return None
        candidates = np.flatnonzero(inside)
        best = candidates[np.argmin(self._size[candidates])]  # argmin keeps the first of equal sizes
        return self.boxes[int(best)]
