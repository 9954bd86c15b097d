"""The demand side, compiled once into arrays: plans, the grid queues and their (fixed) order.

The queue order depends only on the requests (area, priority class, request date, id), never on capacities,
flexible shares or scenarios, so it is computed once and every analysis only redoes cumulative sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from .arrays import (
    IN_WAITING_LIST,
    NO_DATE,
    BoolArray,
    FloatArray,
    IntArray,
    group_starts,
    to_kw_array,
    to_metres_array,
)
from .compile import queue_table_arrays
from .model import (
    CARRIERS,
    PLAN_COLUMNS,
    Carrier,
    GridLevel,
    Infrastructure,
    Plan,
    PlanStatus,
    PlanTable,
    QueueRequest,
    QueueTable,
)


@dataclass(frozen=True, slots=True)
class QueueLevel:
    """One level of queues (regional areas, or TenneT regions), sorted by group and then queue order.

    `request[e]` is the request of sorted entry e, `group[e]` its area index, `start[e]` the entry index
    where its group starts, `position[e]` its 1-based place, `length[e]` its group's length."""

    request: IntArray
    group: IntArray
    start: IntArray
    position: IntArray
    length: IntArray
    entry_of_request: IntArray  # -1: the request is not in this level


@dataclass(frozen=True, slots=True)
class Demand:
    plan_ids: tuple[str, ...]
    counted: BoolArray
    planned_year: IntArray
    co2_t: IntArray
    grid_kw: IntArray  # 0 for plans without grid need or not counted
    flexible: BoolArray
    needs: BoolArray  # [carrier, plan], only counted plans
    lon: FloatArray
    lat: FloatArray
    distance_m: FloatArray  # [carrier, plan] precomputed distance in whole metres, nan when absent
    province: IntArray  # index into provinces
    provinces: tuple[str, ...]
    area_ids: tuple[str, ...]
    area_index: dict[str, int]
    plan_request: IntArray  # request index of each plan, -1 when the plan is not in a queue
    plan_area: IntArray  # the plan's direct area, -1 when none
    plan_tennet: IntArray  # the plan's TenneT region, -1 when none
    req_kw: IntArray
    req_plan: IntArray  # plan index of a request, -1 for other queue requests
    regional: QueueLevel
    tennet: QueueLevel
    dimensions: tuple[tuple[str, tuple[str, ...], IntArray], ...]  # (name, sorted labels, code per plan)


def _level_order(group: IntArray, priority: IntArray, day: IntArray, n_groups: int) -> IntArray:
    """The requests of one level (group >= 0) sorted by (group, priority, day), ties in input order."""
    sel = np.flatnonzero(group >= 0)
    return sel[_sort_order(group[sel], priority[sel], day[sel], n_groups)]


def _sort_order(group: IntArray, priority: IntArray, day: IntArray, n_groups: int) -> IntArray:
    """The stable sort order by (group, priority, day): one argsort of a combined key when it fits in
    int64 (the same order as the lexsort it replaces), else the lexsort."""
    if group.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    p_min, d_min = int(priority.min()), int(day.min())
    p_span, d_span = int(priority.max()) - p_min + 1, int(day.max()) - d_min + 1
    if int(group.min()) >= 0 and int(group.max()) < n_groups and n_groups * p_span * d_span < 2**62:
        key = (group * p_span + (priority - p_min)) * d_span + (day - d_min)
        return np.argsort(key, kind="stable").astype(np.int64)
    return np.lexsort((day, priority, group)).astype(np.int64)


def _break_ties_by_id(
    orders: Sequence[IntArray],
    groups: Sequence[IntArray],
    priority: IntArray,
    day: IntArray,
    ids: Sequence[str],
) -> None:
    """Sort every run of tied entries (same area, class and date) of each level's order by id, in place,
    exactly as a stable sort of each run by id would. One Python sort ranks the ids of the tied requests
    of all levels together; a lexsort by (run, rank) then reorders every run of a level at once."""
    tied: list[tuple[IntArray, IntArray, IntArray]] = []  # (order, tied positions, their run)
    for order, g_all in zip(orders, groups, strict=True):
        if order.shape[0] < 2:
            continue
        g, p, d = g_all[order], priority[order], day[order]
        same = (g[1:] == g[:-1]) & (p[1:] == p[:-1]) & (d[1:] == d[:-1])  # entry e ties with e + 1
        if not same.any():
            continue
        in_run = np.zeros(order.shape[0], dtype=np.bool_)
        in_run[:-1] = same
        in_run[1:] |= same
        pos = np.flatnonzero(in_run)
        # A run starts at a tied entry that does not tie with the entry before it.
        first = np.ones(order.shape[0], dtype=np.bool_)
        first[1:] = ~same
        tied.append((order, pos, np.cumsum(first)[pos]))
    if not tied:
        return
    members = np.unique(np.concatenate([order[pos] for order, pos, _ in tied]))
    member_ids = [ids[k] for k in members.tolist()]
    by_id = sorted(range(len(member_ids)), key=member_ids.__getitem__)
    rank = np.zeros(priority.shape[0], dtype=np.int64)
    rank[members[by_id]] = np.arange(len(member_ids), dtype=np.int64)
    for order, pos, run in tied:
        entries = order[pos]
        order[pos] = entries[np.lexsort((rank[entries], run))]


def _queue_level(group: IntArray, order: IntArray, n_groups: int) -> QueueLevel:
    """The level of the requests in their queue order."""
    n = order.shape[0]
    g = group[order]
    start = group_starts(g)
    position = np.arange(n, dtype=np.int64) - start + 1
    counts = np.bincount(g, minlength=n_groups).astype(np.int64)
    entry_of_request = np.full(group.shape[0], -1, dtype=np.int64)
    entry_of_request[order] = np.arange(n, dtype=np.int64)
    return QueueLevel(
        request=order.astype(np.int64),
        group=g.astype(np.int64),
        start=start,
        position=position,
        length=counts[g],
        entry_of_request=entry_of_request,
    )


def _index_array(index: dict[str, int], values: list[str]) -> IntArray:
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


@dataclass(frozen=True, slots=True)
class MappingEntries:
    """Every (key, value) of one mapping attribute of the plans, in plan order and then in the mapping's
    order; `plan[e]` is the plan of entry e. Plans with an empty mapping have no entries."""

    plan: list[int]
    keys: list[Any]
    values: list[Any]


class InputColumns:
    """The attributes of the plans and of the queue requests, read into lists (in input order) that the
    validation and the compilation of the same inputs share.

    On large inputs reading the attributes of tens of thousands of objects is most of the cost, and it is
    bound by memory access rather than by the interpreter: one loop that reads every attribute of an object
    while it is in the cache is about twice as fast as one pass per attribute. So the first request reads
    all the attributes the engine uses, of every plan (or of every queue request), in one loop; any other
    attribute is read on demand."""

    __slots__ = ("_entries", "_floats", "_plans", "_plans_read", "_queue", "_queue_read")

    def __init__(self, plans: Sequence[Plan], queue: Sequence[QueueRequest]) -> None:
        self._plans = plans
        self._queue = queue
        self._plans_read: dict[str, list[Any]] = {}
        self._queue_read: dict[str, list[Any]] = {}
        self._floats: dict[tuple[bool, str], FloatArray | None] = {}
        self._entries: dict[str, MappingEntries] = {}
        if isinstance(plans, PlanTable):  # columns already: no plan is read one by one
            self._plans_read.update({name: _as_list(plans.columns[name]) for name in PLAN_COLUMNS})
            for name, arr in plans.floats.items():
                self._floats[(True, name)] = arr
            for name, e in (("needs", plans.needs), ("distance_km", plans.distance_km)):
                self._entries[name] = MappingEntries(list(e.plan), list(e.keys), list(e.values))

    def plan(self, name: str) -> list[Any]:
        """`[getattr(p, name) for p in plans]` (of a PlanTable: its column; `needs` and `distance_km`
        are then made plan by plan)."""
        if not self._plans_read:
            self._read_plans()
        return _column(self._plans_read, self._plans, name)

    def queue(self, name: str) -> list[Any]:
        """`[getattr(q, name) for q in infra.queue]`."""
        if not self._queue_read:
            self._read_queue()
        return _column(self._queue_read, self._queue, name)

    def entries(self, name: str) -> MappingEntries:
        """The items of a mapping attribute of the plans (`needs` or `distance_km`), flattened (read with
        the other attributes)."""
        if not self._plans_read:
            self._read_plans()
        return self._entries[name]

    def plan_floats(self, name: str) -> FloatArray | None:
        """`np.array(self.plan(name), dtype=np.float64)` (None becomes nan), or None when the values do not
        convert (TypeError or ValueError). The array is shared: never change it in place."""
        return self._float_column(True, name)

    def queue_floats(self, name: str) -> FloatArray | None:
        """As plan_floats, for the queue requests."""
        return self._float_column(False, name)

    def _float_column(self, of_plans: bool, name: str) -> FloatArray | None:
        key = (of_plans, name)
        if key not in self._floats:
            try:
                values = self.plan(name) if of_plans else self.queue(name)
                self._floats[key] = np.array(values, dtype=np.float64)
            except (TypeError, ValueError):
                self._floats[key] = None
        return self._floats[key]

    def _read_plans(self) -> None:
        ids: list[Any] = []
        status: list[Any] = []
        planned: list[Any] = []
        co2: list[Any] = []
        grid_mw: list[Any] = []
        area: list[Any] = []
        tennet: list[Any] = []
        flexible: list[Any] = []
        priority: list[Any] = []
        request_date: list[Any] = []
        lon: list[Any] = []
        lat: list[Any] = []
        province: list[Any] = []
        sector: list[Any] = []
        route: list[Any] = []
        operator: list[Any] = []
        needs: list[Any] = []
        distance: list[Any] = []
        need_plan: list[int] = []
        need_key: list[Any] = []
        need_value: list[Any] = []
        dist_plan: list[int] = []
        dist_key: list[Any] = []
        dist_value: list[Any] = []
        for j, p in enumerate(self._plans):
            ids.append(p.id)
            status.append(p.status)
            planned.append(p.planned_year)
            co2.append(p.co2_reduction_t)
            grid_mw.append(p.grid_mw)
            area.append(p.grid_area_id)
            tennet.append(p.tennet_region_id)
            flexible.append(p.accepts_flexible)
            priority.append(p.priority)
            request_date.append(p.request_date)
            lon.append(p.lon)
            lat.append(p.lat)
            province.append(p.province)
            sector.append(p.sector)
            route.append(p.route)
            operator.append(p.grid_operator)
            m = p.needs
            needs.append(m)
            if m:
                for k, v in m.items():
                    need_plan.append(j)
                    need_key.append(k)
                    need_value.append(v)
            m = p.distance_km
            distance.append(m)
            if m:
                for k, v in m.items():
                    dist_plan.append(j)
                    dist_key.append(k)
                    dist_value.append(v)
        self._plans_read.update(
            id=ids,
            status=status,
            planned_year=planned,
            co2_reduction_t=co2,
            grid_mw=grid_mw,
            grid_area_id=area,
            tennet_region_id=tennet,
            accepts_flexible=flexible,
            priority=priority,
            request_date=request_date,
            lon=lon,
            lat=lat,
            province=province,
            sector=sector,
            route=route,
            grid_operator=operator,
            needs=needs,
            distance_km=distance,
        )
        self._entries["needs"] = MappingEntries(need_plan, need_key, need_value)
        self._entries["distance_km"] = MappingEntries(dist_plan, dist_key, dist_value)

    def _read_queue(self) -> None:
        ids: list[Any] = []
        area: list[Any] = []
        mw: list[Any] = []
        priority: list[Any] = []
        request_date: list[Any] = []
        for q in self._queue:
            ids.append(q.id)
            area.append(q.area_id)
            mw.append(q.mw)
            priority.append(q.priority)
            request_date.append(q.request_date)
        self._queue_read.update(id=ids, area_id=area, mw=mw, priority=priority, request_date=request_date)


def _as_list(values: Sequence[Any]) -> list[Any]:
    return values if isinstance(values, list) else list(values)


def _column(read: dict[str, list[Any]], objects: Sequence[Any], name: str) -> list[Any]:
    """The column `name` of `read`, read from the objects on demand when it is not there yet."""
    values = read.get(name)
    if values is None:
        values = read[name] = list(map(attrgetter(name), objects))
    return values


def compile_demand(
    plans: Sequence[Plan], infra: Infrastructure, columns: InputColumns | None = None
) -> Demand:
    """Arrays for the plans and the queues (inputs validated beforehand). `columns`, when given, must hold
    these same plans and infra.queue (the engine shares it with the validation).

    The attributes come as lists from `columns` and are converted in bulk; in Python only the needs and
    distances given, and the ids of the requests tied on (area, class, date), are visited again."""
    if not isinstance(plans, PlanTable):
        plans = tuple(plans)
    if columns is None:
        columns = InputColumns(plans, infra.queue)
    col, qcol = columns.plan, columns.queue
    n = len(plans)
    areas = infra.areas
    area_ids = tuple([a.id for a in areas])
    area_index = {a: i for i, a in enumerate(area_ids)}
    level_tennet = np.array([a.level == GridLevel.TENNET for a in areas], dtype=np.bool_)
    parent = np.array(
        [area_index[a.parent_id] if a.parent_id is not None else -1 for a in areas], dtype=np.int64
    )
    n_areas = len(area_ids)
    # The TenneT region of each area: itself for a TenneT region, its parent for a regional area; one more
    # entry, -1, is the region of area index -1 (no area).
    tennet_of_area = np.append(np.where(level_tennet, np.arange(n_areas, dtype=np.int64), parent), -1)

    active = PlanStatus.ACTIVE
    plan_ids = col("id")
    counted = np.array([s == active for s in col("status")], dtype=np.bool_)
    planned_year = np.array(col("planned_year"), dtype=np.int64)
    co2_t = np.rint(_floats(columns, True, "co2_reduction_t")).astype(np.int64)
    grid_kw = to_kw_array(_floats(columns, True, "grid_mw"))
    plan_area = np.array(
        [area_index[a] if a is not None else -1 for a in col("grid_area_id")], dtype=np.int64
    )
    grid_kw = np.where(counted & (plan_area >= 0), grid_kw, 0)
    flexible = np.array(col("accepts_flexible"), dtype=np.bool_)
    needs = _needs_array(columns.entries("needs"), n)
    distance_m = _distance_array(columns.entries("distance_km"), n)
    needs &= counted[None, :]
    # None becomes nan in a float array.
    lon = _floats(columns, True, "lon")
    lat = _floats(columns, True, "lat")
    plan_province = col("province")
    provinces = tuple(sorted(set(plan_province) | {r.region for r in infra.rollouts if r.region}))
    province_index = {name: i for i, name in enumerate(provinces)}
    province = _index_array(province_index, plan_province)

    # Requests: first the plans with a grid need, then the other queue requests.
    grid_plans = np.flatnonzero(grid_kw > 0)
    nq = len(infra.queue)
    req_plan = np.concatenate((grid_plans, np.full(nq, -1, dtype=np.int64))).astype(np.int64)
    gp = grid_plans.tolist()
    plan_priority, plan_date = col("priority"), col("request_date")
    # An undated plan comes after every dated request; an undated request of others is the published
    # waiting list, already in the queue: ahead of every plan of its class, whatever the plan's date (rule 4).
    no_date, waiting = NO_DATE, IN_WAITING_LIST
    if isinstance(infra.queue, QueueTable):  # columns already: no request is read one by one
        q_kw, q_area, q_prio, q_day, q_ids = queue_table_arrays(infra.queue, area_index, waiting)
    else:
        q_kw = to_kw_array(_floats(columns, False, "mw"))
        q_area = _index_array(area_index, qcol("area_id"))
        q_prio = np.fromiter(map(int, qcol("priority")), np.int64, nq)
        q_day = np.fromiter(
            [d.toordinal() if d is not None else waiting for d in qcol("request_date")], np.int64, nq
        )
        q_ids = qcol("id")
    req_kw = np.concatenate((grid_kw[grid_plans], q_kw)).astype(np.int64)
    req_area = np.concatenate((plan_area[grid_plans], q_area)).astype(np.int64)
    prio = np.concatenate(
        (np.fromiter(map(int, [plan_priority[i] for i in gp]), np.int64, len(gp)), q_prio)
    ).astype(np.int64)
    day = np.concatenate(
        (
            np.fromiter(
                [d.toordinal() if d is not None else no_date for d in (plan_date[i] for i in gp)],
                np.int64,
                len(gp),
            ),
            q_day,
        )
    ).astype(np.int64)
    ids = [plan_ids[i] for i in gp] + q_ids
    reg_group = np.where(level_tennet[req_area], -1, req_area)
    ten_group = tennet_of_area[req_area]
    # The queue order: (area, priority class, request date), ties broken by id.
    groups = (reg_group, ten_group)
    orders = [_level_order(g, prio, day, n_areas) for g in groups]
    _break_ties_by_id(orders, groups, prio, day, ids)
    regional, tennet = (_queue_level(g, order, n_areas) for g, order in zip(groups, orders, strict=True))

    dimensions = tuple(_dimension(name, col(name)) for name in AGGREGATE_DIMENSIONS)
    plan_request = np.full(n, -1, dtype=np.int64)
    plan_request[grid_plans] = np.arange(grid_plans.shape[0], dtype=np.int64)
    plan_tennet = tennet_of_area[plan_area]
    return Demand(
        plan_ids=tuple(plan_ids),
        counted=counted,
        planned_year=planned_year,
        co2_t=np.where(counted, co2_t, 0),
        grid_kw=grid_kw,
        flexible=flexible,
        needs=needs,
        lon=lon,
        lat=lat,
        distance_m=distance_m,
        province=province,
        provinces=provinces,
        area_ids=area_ids,
        area_index=area_index,
        plan_request=plan_request,
        plan_area=plan_area,
        plan_tennet=plan_tennet,
        req_kw=req_kw,
        req_plan=req_plan,
        regional=regional,
        tennet=tennet,
        dimensions=dimensions,
    )


def _floats(columns: InputColumns, of_plans: bool, name: str) -> FloatArray:
    """A shared float column; when the values do not convert, the conversion's own error."""
    arr = columns.plan_floats(name) if of_plans else columns.queue_floats(name)
    if arr is None:
        values = columns.plan(name) if of_plans else columns.queue(name)
        return np.array(values, dtype=np.float64)  # raises
    return arr


_CARRIER_ROW: dict[Carrier, int] = {c: i for i, c in enumerate(CARRIERS)}


def _carrier_entries(entries: MappingEntries) -> tuple[list[int], list[int], list[Any]]:
    """(carrier row, plan, value) of the entries whose key is a carrier (other keys are ignored)."""
    row_of = _CARRIER_ROW.get
    found = [row_of(k, -1) for k in entries.keys]
    if -1 not in found:  # the usual case: every key is a carrier
        return found, list(entries.plan), list(entries.values)
    keep = [e for e, row in enumerate(found) if row >= 0]
    return [found[e] for e in keep], [entries.plan[e] for e in keep], [entries.values[e] for e in keep]


def _needs_array(entries: MappingEntries, n: int) -> BoolArray:
    """[carrier, plan]: the plan needs the carrier."""
    out = np.zeros((len(CARRIERS), n), dtype=np.bool_)
    rows, cols, _ = _carrier_entries(entries)
    if rows:
        out[rows, cols] = True
    return out


def _distance_array(entries: MappingEntries, n: int) -> FloatArray:
    """[carrier, plan]: the precomputed distance in whole metres, nan when absent."""
    out = np.full((len(CARRIERS), n), np.nan)
    rows, cols, km = _carrier_entries(entries)
    if rows:
        out[rows, cols] = to_metres_array(np.array([float(v) for v in km], dtype=np.float64))
    return out


AGGREGATE_DIMENSIONS: tuple[str, ...] = ("province", "sector", "route", "grid_operator")


def _dimension(name: str, values: list[str]) -> tuple[str, tuple[str, ...], IntArray]:
    labels = tuple(sorted(set(values)))
    index = {label: i for i, label in enumerate(labels)}
    return name, labels, _index_array(index, values)
