"""Classification of plans (rules 11 to 14): can go ahead, may not, cannot; the binding bottleneck and the
year the plan's reduction can be realised.

Requirements are rows of a [requirement, plan] matrix in a fixed order (grid, hydrogen, CO2, green gas,
heat): the year each is available (NEVER when not within the horizon) and NO_NEED (0) where the plan does not
need it, so the year everything is available is a column maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import NO_NEED, BoolArray, IntArray
from .model import CARRIERS, Bottleneck, FeasibilityClass

#: Row 0 is the grid, rows 1.. the carriers in CARRIERS order.
REQUIREMENTS: tuple[str, ...] = ("grid", *(c.value for c in CARRIERS))
BOTTLENECK_OF_REQUIREMENT: tuple[Bottleneck, ...] = (
    Bottleneck.GRID_CONGESTION,
    Bottleneck.HYDROGEN,
    Bottleneck.CO2,
    Bottleneck.GREEN_GAS,
    Bottleneck.HEAT,
)
#: Class codes in arrays; the codes of the dependent classes rank them from worst to best (the unlock
#: ranking counts a higher code as an improvement).
CODE_EXCLUDED, CODE_NOT_DEPENDENT, CODE_CANNOT, CODE_MAY_NOT, CODE_CAN = -2, -1, 0, 1, 2
CLASS_OF_CODE: dict[int, FeasibilityClass] = {
    CODE_EXCLUDED: FeasibilityClass.EXCLUDED,
    CODE_NOT_DEPENDENT: FeasibilityClass.NOT_DEPENDENT,
    CODE_CANNOT: FeasibilityClass.CANNOT,
    CODE_MAY_NOT: FeasibilityClass.MAY_NOT,
    CODE_CAN: FeasibilityClass.CAN,
}
#: Bottleneck codes: index into BOTTLENECKS, -1 none.
BOTTLENECKS: tuple[Bottleneck, ...] = tuple(Bottleneck)
_BOTTLENECK_CODE_OF_ROW = np.array([BOTTLENECKS.index(b) for b in BOTTLENECK_OF_REQUIREMENT], dtype=np.int64)
_DISTANCE_CODE = BOTTLENECKS.index(Bottleneck.DISTANCE)


def classify(
    planned: IntArray,
    ready_all: IntArray,
    ready_certain: IntArray,
    dependent: BoolArray,
    counted: BoolArray,
    deadline: int,
) -> IntArray:
    """can: everything available (without uncertain items) by the planned year; may not: otherwise, but
    everything available (counting uncertain items) by the planned year or by the deadline, whichever is
    later; cannot: the rest."""
    can = ready_certain <= planned
    may_not = ready_all <= np.maximum(planned, deadline)
    code = np.where(can, CODE_CAN, np.where(may_not, CODE_MAY_NOT, CODE_CANNOT))
    code = np.where(dependent, code, CODE_NOT_DEPENDENT)
    return np.where(counted, code, CODE_EXCLUDED).astype(np.int64)


def realisation(planned: IntArray, ready: IntArray) -> IntArray:
    """The year a plan's reduction can be realised: its planned year, or later when infrastructure is late."""
    return np.maximum(planned, ready)


@dataclass(frozen=True, slots=True)
class Classification:
    ready_all: IntArray
    ready_certain: IntArray
    code: IntArray
    realisation_all: IntArray
    realisation_certain: IntArray
    binding_requirement: IntArray  # row of REQUIREMENTS, -1 none
    bottleneck: IntArray  # index into BOTTLENECKS, -1 none


def classify_all(
    req_all: IntArray,
    req_certain: IntArray,
    nodist_all: IntArray,
    nodist_certain: IntArray,
    need: BoolArray,
    planned: IntArray,
    counted: BoolArray,
    deadline: int,
) -> Classification:
    """req_* are [requirement, plan] years (NO_NEED where not needed); nodist_* are the carrier rows without
    the distance limit."""
    ready_all = req_all.max(axis=0)
    ready_certain = req_certain.max(axis=0)
    dependent = need.any(axis=0) & counted
    code = classify(planned, ready_all, ready_certain, dependent, counted, deadline)
    # The binding requirement: the latest one; when nothing is late (the plan only relies on uncertain
    # items), the latest one without uncertain items. Ties follow the order of REQUIREMENTS (argmax takes the
    # first maximum); NO_NEED is below every year, so a requirement not needed never binds.
    late = ready_all > planned
    binding = np.where(late, req_all.argmax(axis=0), req_certain.argmax(axis=0))
    failing = dependent & (code != CODE_CAN)
    binding = np.where(failing, binding, -1)
    # Category: a carrier whose rollouts would reach the plan earlier without the distance limit is a
    # "distance" bottleneck; otherwise the requirement itself.
    n = planned.shape[0]
    cols = np.arange(n)
    row = np.maximum(binding, 0)
    used = np.where(late, req_all[row, cols], req_certain[row, cols])
    nodist = np.where(
        late, nodist_all[np.maximum(row - 1, 0), cols], nodist_certain[np.maximum(row - 1, 0), cols]
    )
    is_distance = (binding >= 1) & (nodist < used)
    bottleneck = np.where(
        binding < 0, -1, np.where(is_distance, _DISTANCE_CODE, _BOTTLENECK_CODE_OF_ROW[row])
    )
    return Classification(
        ready_all=ready_all,
        ready_certain=ready_certain,
        code=code,
        realisation_all=realisation(planned, ready_all),
        realisation_certain=realisation(planned, ready_certain),
        binding_requirement=binding.astype(np.int64),
        bottleneck=bottleneck.astype(np.int64),
    )


def requirement_matrix(
    grid_needed: BoolArray,
    grid_all: IntArray,
    grid_certain: IntArray,
    carrier_need: BoolArray,
    carrier_all: IntArray,
    carrier_certain: IntArray,
) -> tuple[IntArray, IntArray, BoolArray]:
    """[requirement, plan]: the years of every requirement, NO_NEED where the plan does not need it (the
    carrier years already are NO_NEED there), and whether it needs it."""
    need = np.vstack((grid_needed[None, :], carrier_need))
    req_all = np.vstack((np.where(grid_needed, grid_all, NO_NEED)[None, :], carrier_all))
    req_certain = np.vstack((np.where(grid_needed, grid_certain, NO_NEED)[None, :], carrier_certain))
    return req_all, req_certain, need
