"""The bridge between the database and the engine: the only module that knows both (architecture rule 6).

`load_inputs()` reads the current plan versions and the infrastructure timeline into the engine's plain
dataclasses; the mapping rules are documented in docs/engine.md ("From the registry to the engine").
The engine then runs on everything, unscoped: its per-plan results are stored as `PlanResult` rows and
read back through the policy layer, its aggregates reveal no single company.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from enum import Enum
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from cluster6 import engine as eng
from cluster6.engine import io as engine_io
from cluster6.engine.grid import congestion_end_project_id
from cluster6.engine.model import PLAN_COLUMNS as ENGINE_PLAN_COLUMNS
from cluster6.engine.unlock import unlock_ranking_with_contributions
from cluster6.infra.constants import Carrier, Certainty, OperatorType, SupplyMode
from cluster6.infra.models import CarrierRollout, GridProject, GridServiceArea, NetworkPoint
from cluster6.infra.timeline import (
    congested,
    derived_capacity_now_mw,
    end_unknown,
    own_level,
    tennet_end_unknown,
)
from cluster6.plans.constants import GridNeed, PlanStatus, SubmissionStatus, VoltageLevel
from cluster6.plans.models import PlanVersion, Submission, SurveyRound
from cluster6.registry.constants import CLUSTER6

from .models import Scenario

CERTAINTY = {
    Certainty.FIRM: eng.Certainty.FIRM,
    Certainty.PLANNED: eng.Certainty.PLANNED,
    Certainty.UNCERTAIN: eng.Certainty.UNCERTAIN,
}
CERTAINTY_BACK = {v.value: k for k, v in CERTAINTY.items()}
CARRIER = {
    Carrier.HYDROGEN: eng.Carrier.HYDROGEN,
    Carrier.CO2: eng.Carrier.CO2,
    Carrier.GREEN_GAS: eng.Carrier.GREEN_GAS,
    Carrier.HEAT: eng.Carrier.HEAT,
}
CARRIER_BACK = {v.value: k for k, v in CARRIER.items()}
#: The voltage levels at which a connection is made directly to TenneT's grid.
TENNET_VOLTAGES = frozenset({VoltageLevel.HV, VoltageLevel.EHV})
#: Prefix of the TenneT level made for a regional area that has TenneT data of its own but no TenneT area.
VIRTUAL_TENNET = "tennet:"
#: The engine's project id of an area's end of congestion is this prefix and the area id.
CONGESTION_END_PREFIX = congestion_end_project_id("")
#: Separator in project codes: "<area code>|<project name>"; TenneT projects group as "TenneT|<name>".
SEP = "|"
TENNET_GROUP = "TenneT"


@dataclass(frozen=True, slots=True)
class PlanRef:
    plan_id: int
    version_id: int
    location_id: int
    organisation_id: int


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """What the web pages show about an infrastructure project of the engine's input."""

    code: str  # the group code (a TenneT project appears once, for all areas it serves)
    name: str
    kind: str  # engine ProjectKind value
    area_code: str | None
    area_name: str
    operator: str
    carrier: str | None
    year: int | None
    certainty: str
    source: str


@dataclass(slots=True)
class EngineInput:
    params: eng.Parameters
    plans: Sequence[eng.Plan]  # a PlanTable when read from the database
    infra: eng.Infrastructure
    refs: dict[str, PlanRef]
    #: engine project id -> group code (TenneT projects replicated over areas share one code)
    project_group: dict[str, str]
    projects: dict[str, ProjectInfo]
    basis: str
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------- plan versions


def current_submissions(*, round_id: int | None = None) -> list[int]:
    """Per organisation, the latest submitted revision of its latest round (by opening date), or of
    `round_id` when given. Drafts never count."""
    qs = Submission.objects.filter(status=SubmissionStatus.SUBMITTED)
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    best: dict[int, tuple[date, int, int, int]] = {}
    for sid, org, opens, round_pk, revision in qs.values_list(
        "id", "organisation_id", "round__opens_on", "round_id", "revision"
    ):
        key = (opens, round_pk, revision, sid)
        if org not in best or key > best[org]:
            best[org] = key
    return sorted(k[3] for k in best.values())


def current_versions(*, round_id: int | None = None, cluster6_only: bool = True) -> list[PlanVersion]:
    qs = PlanVersion.objects.filter(submission_id__in=current_submissions(round_id=round_id)).select_related(
        "plan__location__province",
        "plan__location__grid_operator",
        "plan__location__grid_service_area",
        "submission",
    )
    if cluster6_only:
        qs = qs.filter(plan__location__cluster=CLUSTER6)
    return list(qs.order_by("plan_id"))


# ------------------------------------------------------------------------------------ grid timeline


class ProjectRow(NamedTuple):
    """The fields of a GridProject that the engine's input uses, read as values (no model instances)."""

    area_id: int
    name: str
    operator_name: str
    operator_type: str
    completion_year: int | None
    added_capacity_mw: float | None
    certainty: str
    source: str


def _grid_projects() -> dict[int, list[ProjectRow]]:
    """Every grid project as a ProjectRow, per area id, ordered by completion year, name and id."""
    by_area: dict[int, list[ProjectRow]] = defaultdict(list)
    rows = GridProject.objects.order_by("area_id", "completion_year", "name", "id").values_list(
        *ProjectRow._fields
    )
    for row in rows:
        p = ProjectRow._make(row)
        by_area[p.area_id].append(p)
    return by_area


def _reinforcements(
    projects: Iterable[GridProject | ProjectRow], area_code: str
) -> list[tuple[eng.Reinforcement, GridProject | ProjectRow]]:
    """The projects with a completion year and an added capacity, as the engine's reinforcements (with
    the project each comes from); the others do not change the timeline."""
    return [
        (
            eng.Reinforcement(
                id=project_id(area_code, p),
                year=int(p.completion_year),
                mw=float(p.added_capacity_mw),
                certainty=CERTAINTY[Certainty(p.certainty)],
                name=p.name,
            ),
            p,
        )
        for p in projects
        if p.completion_year is not None and p.added_capacity_mw
    ]


def project_id(area_code: str, p: GridProject | ProjectRow) -> str:
    if p.operator_type == OperatorType.TENNET:
        return SEP.join((area_code, TENNET_GROUP, p.name))
    return SEP.join((area_code, p.name))


def project_group(engine_id: str) -> str:
    """TenneT projects are listed under every area they serve: they form one project."""
    parts = engine_id.split(SEP)
    if len(parts) >= 3 and parts[1] == TENNET_GROUP:
        return SEP.join((TENNET_GROUP, SEP.join(parts[2:])))
    return engine_id


@dataclass
class _Grid:
    areas: list[eng.GridArea]
    tennet_parent: dict[str, str]  # regional area code -> engine id of its TenneT level
    projects: dict[str, ProjectInfo]
    snapshot: dict[str, date | None]
    queue_mw: dict[str, tuple[float, int]]
    notes: list[str]


def _grid(base_year: int) -> _Grid:
    areas = list(GridServiceArea.objects.select_related("tennet_region").order_by("code"))
    by_area = _grid_projects()
    out: list[eng.GridArea] = []
    parents: dict[str, str] = {}
    projects: dict[str, ProjectInfo] = {}
    snapshot: dict[str, date | None] = {}
    queue_mw: dict[str, tuple[float, int]] = {}
    unknown_capacity = 0
    end_unconstrained = base_year  # "no constraint now": capacity unconstrained from the base year on

    def info(engine_id: str, p: GridProject | ProjectRow, area: GridServiceArea) -> None:
        group = project_group(engine_id)
        if group in projects:
            return
        projects[group] = ProjectInfo(
            code=group,
            name=p.name,
            kind=eng.ProjectKind.GRID_REINFORCEMENT.value,
            area_code=None if group.startswith(TENNET_GROUP + SEP) else area.code,
            area_name="TenneT" if group.startswith(TENNET_GROUP + SEP) else area.name,
            operator=p.operator_name,
            carrier=None,
            year=p.completion_year,
            certainty=p.certainty,
            source=p.source,
        )

    def end_info(
        engine_id: str, name: str, area: GridServiceArea, year: int, certainty: str, operator: str
    ) -> None:
        pid = congestion_end_project_id(engine_id)
        projects[pid] = ProjectInfo(
            code=pid,
            name=name,
            kind=eng.ProjectKind.CONGESTION_END.value,
            area_code=area.code,
            area_name=area.name,
            operator=operator,
            carrier=None,
            year=year,
            certainty=certainty,
            source=area.source,
        )

    tennet_codes = {a.code for a in areas if a.operator_type == OperatorType.TENNET}
    for a in areas:
        own = by_area.get(a.pk, [])
        first_operator = a.operator_names.split(",")[0].strip()
        is_tennet = a.operator_type == OperatorType.TENNET
        snapshot[a.code] = a.snapshot_date
        queue_mw[a.code] = (float(a.queue_withdrawal_mw or 0.0), int(a.queue_requests_withdrawal or 0))
        # a TenneT area's projects are its own; a regional area's TenneT projects belong to a TenneT level
        end, _statuses, certainty = own_level(a)
        reinf = _reinforcements(
            own if is_tennet else (p for p in own if p.operator_type == OperatorType.RNB), a.code
        )
        now = derived_capacity_now_mw(a)
        if now is None:
            unknown_capacity += 1
            now, end = 0.0, end_unconstrained
        parent: str | None = None
        if not is_tennet:
            if a.tennet_region is not None and a.tennet_region.code in tennet_codes:
                parent = a.tennet_region.code
            elif a.congestion_end_withdrawal_tennet is not None or congested((a.tennet_status_withdrawal,)):
                parent = VIRTUAL_TENNET + a.code
                t_end = a.congestion_end_withdrawal_tennet
                t_reinf = _reinforcements((p for p in own if p.operator_type == OperatorType.TENNET), a.code)
                out.append(
                    eng.GridArea(
                        id=parent,
                        level=eng.GridLevel.TENNET,
                        capacity_now_mw=0.0,
                        operator="TenneT",
                        name=f"TenneT boven {a.name}",
                        reinforcements=tuple(r for r, _p in t_reinf),
                        congestion_end_year=t_end,
                        congestion_end_certainty=CERTAINTY[Certainty(a.tennet_congestion_end_certainty)],
                        congestion_end_unknown=tennet_end_unknown(a),
                    )
                )
                for r, p in t_reinf:
                    info(r.id, p, a)
                if t_end is not None:
                    end_info(
                        parent,
                        f"Einde congestie TenneT boven {a.name}",
                        a,
                        t_end,
                        a.tennet_congestion_end_certainty,
                        "TenneT",
                    )
            if parent is not None:
                parents[a.code] = parent
        out.append(
            eng.GridArea(
                id=a.code,
                level=eng.GridLevel.TENNET if is_tennet else eng.GridLevel.REGIONAL,
                capacity_now_mw=float(now),
                operator=first_operator,
                name=a.name,
                parent_id=parent,
                reinforcements=tuple(r for r, _p in reinf),
                congestion_end_year=end,
                congestion_end_certainty=CERTAINTY[Certainty(certainty)],
                congestion_end_unknown=end is None and end_unknown(a),
            )
        )
        for r, p in reinf:
            info(r.id, p, a)
        if end is not None and end != end_unconstrained:
            end_info(a.code, f"Einde congestie {a.name}", a, end, certainty, first_operator)
    notes = []
    if unknown_capacity:
        notes.append(
            f"{unknown_capacity} voedingsgebied(en) zonder congestie en zonder capaciteitsgegevens: "
            "onbeperkt."
        )
    return _Grid(out, parents, projects, snapshot, queue_mw, notes)


# ---------------------------------------------------------------------------------------- carriers


def _carriers() -> tuple[list[eng.CarrierRollout], list[eng.NetworkPoint], dict[str, ProjectInfo], list[str]]:
    rollouts: list[eng.CarrierRollout] = []
    infos: dict[str, ProjectInfo] = {}
    closed = 0
    for r in CarrierRollout.objects.select_related("province").order_by("code"):
        if not r.open_access:
            closed += 1
            continue
        rollouts.append(
            eng.CarrierRollout(
                id=r.code,
                carrier=CARRIER[Carrier(r.carrier)],
                year=int(r.year),
                certainty=CERTAINTY[Certainty(r.certainty)],
                region=r.province.name if r.province is not None else None,
                mode=eng.SupplyMode.NETWORK if r.mode == SupplyMode.NETWORK else eng.SupplyMode.ALTERNATIVE,
                name=r.name,
            )
        )
        infos[r.code] = ProjectInfo(
            code=r.code,
            name=r.name,
            kind=eng.ProjectKind.CARRIER_ROLLOUT.value,
            area_code=None,
            area_name=r.province.name if r.province is not None else "landelijk",
            operator="",
            carrier=r.carrier,
            year=r.year,
            certainty=r.certainty,
            source=r.source,
        )
    open_ids = {r.id for r in rollouts}
    points = [
        eng.NetworkPoint(id=f"{code}/{pt_code}", rollout_id=code, lon=float(lon), lat=float(lat))
        for code, pt_code, lon, lat in NetworkPoint.objects.order_by("rollout__code", "code").values_list(
            "rollout__code", "code", "lon", "lat"
        )
        if code in open_ids
    ]
    notes = [f"{closed} uitrolfase(n) niet toegankelijk voor derden: niet meegeteld."] if closed else []
    return rollouts, points, infos, notes


# ------------------------------------------------------------------------------------------- plans


#: The columns of a plan version that the engine's plan is made of, read in one query (`plan_rows`).
PLAN_COLUMNS = (
    "plan_id",
    "id",
    "plan__location_id",
    "submission__organisation_id",
    "needs_hydrogen",
    "hydrogen_t",
    "needs_co2",
    "co2_transport_t",
    "needs_green_gas",
    "green_gas_m3",
    "needs_heat",
    "heat_delta_gwh",
    "status",
    "grid_need",
    "extra_capacity_mw",
    "voltage_level",
    "plan__location__grid_service_area__code",
    "plan__location__province__name",
    "plan__location__sector",
    "route",
    "in_operation_year",
    "co2_reduction_t",
    "plan__location__grid_operator__name",
    "grid_request_date",
    "priority_class",
    "accepts_flexible_contract",
    "plan__location__longitude",
    "plan__location__latitude",
)


def plan_rows(*, round_id: int | None = None, cluster6_only: bool = True) -> Iterator[tuple[Any, ...]]:
    """The current plan versions (as `current_versions`) as tuples of PLAN_COLUMNS, by plan id: one query,
    no model instances (at national scale building the instances was most of the analysis' time). The
    versions of every submitted submission are read and those of the current ones kept here: a filter on
    tens of thousands of submission ids makes SQLite look up every plan once per id."""
    current = set(current_submissions(round_id=round_id))
    qs = PlanVersion.objects.filter(submission__status=SubmissionStatus.SUBMITTED)
    if round_id is not None:
        qs = qs.filter(submission__round_id=round_id)
    if cluster6_only:
        qs = qs.filter(plan__location__cluster=CLUSTER6)
    rows = qs.order_by("plan_id", "id").values_list("submission_id", *PLAN_COLUMNS)
    return (row[1:] for row in rows.iterator(chunk_size=20_000) if row[0] in current)


def _version_row(v: PlanVersion) -> tuple[Any, ...]:
    """A version's PLAN_COLUMNS, read from the instance."""
    loc = v.plan.location
    area = loc.grid_service_area
    return (
        v.plan_id,
        v.pk,
        loc.pk,
        v.submission.organisation_id,
        v.needs_hydrogen,
        v.hydrogen_t,
        v.needs_co2,
        v.co2_transport_t,
        v.needs_green_gas,
        v.green_gas_m3,
        v.needs_heat,
        v.heat_delta_gwh,
        v.status,
        v.grid_need,
        v.extra_capacity_mw,
        v.voltage_level,
        area.code if area is not None else None,
        loc.province.name if loc.province is not None else None,
        loc.sector,
        v.route,
        v.in_operation_year,
        v.co2_reduction_t,
        loc.grid_operator.name if loc.grid_operator is not None else None,
        v.grid_request_date,
        v.priority_class,
        v.accepts_flexible_contract,
        loc.longitude,
        loc.latitude,
    )


def engine_plan(v: PlanVersion, grid: _Grid) -> tuple[eng.Plan, bool]:
    """The engine's plan for a version; the flag says that a grid need could not be placed in an area."""
    return engine_plan_of_row(_version_row(v), grid)


_HYDROGEN, _CO2, _GREEN_GAS, _HEAT = (
    eng.Carrier.HYDROGEN,
    eng.Carrier.CO2,
    eng.Carrier.GREEN_GAS,
    eng.Carrier.HEAT,
)


#: The engine Plan fields that `_plan_values` gives, in its order: the engine's plan columns less the two
#: the adapter never sets (a plan's TenneT region follows from its area; case status is not read here), which
#: take their defaults in a PlanTable.
PLAN_FIELDS = tuple(c for c in ENGINE_PLAN_COLUMNS if c not in ("tennet_region_id", "in_case"))
_PRIORITY_OF = {int(p): p for p in eng.Priority}


def _plan_values(
    row: tuple[Any, ...], tennet_parent: Mapping[str, str]
) -> tuple[tuple[Any, ...], list[tuple[eng.Carrier, float]], bool, PlanRef]:
    """One row of PLAN_COLUMNS as the engine reads it: the values of PLAN_FIELDS, the carriers needed with
    their amounts (none for a plan already in operation), whether a grid need could not be placed in an
    area, and the plan's references. The one place that turns a stored plan version into an engine plan
    (`engine_plan_of_row` and `plan_table` both use it)."""
    (
        plan_id,
        version_id,
        location_id,
        organisation_id,
        needs_hydrogen,
        hydrogen_t,
        needs_co2,
        co2_transport_t,
        needs_green_gas,
        green_gas_m3,
        needs_heat,
        heat_delta_gwh,
        status,
        grid_need,
        extra_capacity_mw,
        voltage_level,
        area_code,
        province,
        sector,
        route,
        in_operation_year,
        co2_reduction_t,
        operator,
        request_date,
        priority_class,
        accepts_flexible,
        lon,
        lat,
    ) = row
    operating = status == PlanStatus.OPERATING
    needs: list[tuple[eng.Carrier, float]] = []
    if not operating:
        for wanted, key, amount in (
            (needs_hydrogen, _HYDROGEN, hydrogen_t),
            (needs_co2, _CO2, co2_transport_t),
            (needs_green_gas, _GREEN_GAS, green_gas_m3),
            (needs_heat, _HEAT, heat_delta_gwh),
        ):
            if wanted:
                needs.append((key, float(amount)))
    area_id: str | None = None
    unplaced = False
    if grid_need != GridNeed.NONE and extra_capacity_mw > 0 and not operating:
        if area_code is None:
            unplaced = True
        else:
            area_id = area_code
            if voltage_level in TENNET_VOLTAGES and area_code in tennet_parent:
                area_id = tennet_parent[area_code]
    values = (
        str(plan_id),
        str(location_id),
        province if province is not None else "onbekend",
        sector,
        route,
        int(in_operation_year),
        float(co2_reduction_t),
        operator if operator is not None else "onbekend",
        area_id,
        float(extra_capacity_mw) if area_id else 0.0,
        request_date,
        _PRIORITY_OF[int(priority_class)],
        bool(accepts_flexible),
        lon,
        lat,
        eng.PlanStatus.CANCELLED if status == PlanStatus.CANCELLED else eng.PlanStatus.ACTIVE,
    )
    return values, needs, unplaced, PlanRef(plan_id, version_id, location_id, organisation_id)


def engine_plan_of_row(row: tuple[Any, ...], grid: _Grid) -> tuple[eng.Plan, bool]:
    """As engine_plan, from a tuple of PLAN_COLUMNS."""
    values, needs, unplaced, _ref = _plan_values(row, grid.tennet_parent)
    return eng.Plan(**dict(zip(PLAN_FIELDS, values, strict=True)), needs=dict(needs)), unplaced


def plan_table(rows: Iterable[tuple[Any, ...]], grid: _Grid) -> tuple[eng.PlanTable, dict[str, PlanRef], int]:
    """The engine's plans of tuples of PLAN_COLUMNS as a PlanTable (columns, no Plan object per plan:
    at national scale making 55,000 frozen dataclasses was a large part of reading the inputs), with the
    PlanRef of every plan and the number of plans whose grid need could not be placed in an area. The
    table holds the same plans as `engine_plan_of_row` of every row (tests/analysis/test_store_results.py)."""
    columns: list[list[Any]] = [[] for _ in PLAN_FIELDS]
    appends = [c.append for c in columns]
    need_plan: list[int] = []
    need_key: list[eng.Carrier] = []
    need_value: list[float] = []
    refs: dict[str, PlanRef] = {}
    unplaced = 0
    tennet_parent = grid.tennet_parent
    for j, row in enumerate(rows):
        values, needs, lost, ref = _plan_values(row, tennet_parent)
        for append, value in zip(appends, values, strict=True):
            append(value)
        for key, amount in needs:
            need_plan.append(j)
            need_key.append(key)
            need_value.append(amount)
        unplaced += lost
        refs[values[0]] = ref
    cols = dict(zip(PLAN_FIELDS, columns, strict=True))
    needs_entries = eng.PlanEntries(tuple(need_plan), tuple(need_key), tuple(need_value))
    return eng.PlanTable.of(cols, needs=needs_entries), refs, unplaced


def _other_requests(plans: Sequence[eng.Plan], grid: _Grid) -> eng.QueueTable:
    """The published waiting list of each area, less the platform's plans that requested capacity on or
    before the snapshot date (they are in that list already), as equal undated requests: the engine puts
    them ahead of every plan of their class, whatever the plan's date (rule 4). A plan that is in the list
    thus queues behind the rest of it (its own place in the list is not published)."""
    known: dict[str, tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    c = _columns(plans, ("grid_area_id", "request_date", "status", "grid_mw"))
    active = eng.PlanStatus.ACTIVE
    for area_id, request_date, status, grid_mw in zip(*c, strict=True):
        if area_id is None or request_date is None or status != active:
            continue
        area = area_id.removeprefix(VIRTUAL_TENNET)
        snap = grid.snapshot.get(area)
        if snap is not None and request_date <= snap:
            mw, n = known[area]
            known[area] = (mw + grid_mw, n + 1)
    # As columns (an engine QueueTable): at national scale there are about 150,000 of these requests.
    ids: list[str] = []
    labels: list[str] = []
    codes: list[npt.NDArray[np.int64]] = []
    kws: list[npt.NDArray[np.int64]] = []
    for code, (mw, n) in sorted(grid.queue_mw.items()):
        plan_mw, plan_n = known.get(code, (0.0, 0))
        rest_mw = round(max(0.0, mw - plan_mw), 3)
        rest_n = max(1, n - plan_n) if rest_mw > 0 else 0
        # in whole kW, the remainder on the first requests, so that the list adds up to the published MW
        each_kw, extra = divmod(round(rest_mw * 1000), rest_n) if rest_n else (0, 0)
        if not rest_n:
            continue
        ids.extend([f"wachtrij:{code}:{k + 1}" for k in range(rest_n)])
        codes.append(np.full(rest_n, len(labels), dtype=np.int64))
        labels.append(code)
        kws.append(each_kw + (np.arange(rest_n, dtype=np.int64) < extra))
    if not ids:
        return eng.QueueTable.of([], [], [], [])
    # the MW of request k is (each_kw + (k < extra)) / 1000, as a float division of whole kW
    return eng.QueueTable.of(ids, labels, np.concatenate(codes), np.concatenate(kws) / 1000)


def _columns(plans: Sequence[eng.Plan], names: Sequence[str]) -> list[Sequence[Any]]:
    """The attributes `names` of every plan, one sequence per name (a PlanTable's own columns)."""
    if isinstance(plans, eng.PlanTable):
        return [plans.column(name) for name in names]
    return [[getattr(p, name) for p in plans] for name in names]


def load_inputs(
    *, params: eng.Parameters, survey_round: SurveyRound | None = None, cluster6_only: bool = True
) -> EngineInput:
    grid = _grid(params.base_year)
    rollouts, points, carrier_infos, carrier_notes = _carriers()
    rows = plan_rows(round_id=survey_round.pk if survey_round else None, cluster6_only=cluster6_only)
    plans, refs, unplaced = plan_table(rows, grid)
    queue = _other_requests(plans, grid)
    infra = eng.Infrastructure(tuple(grid.areas), queue, tuple(rollouts), tuple(points))
    groups = {r.id: project_group(r.id) for a in grid.areas for r in a.reinforcements}
    notes = grid.notes + carrier_notes
    if unplaced:
        notes.append(
            f"{unplaced} plan(nen) met een netvraag op een locatie zonder voedingsgebied: "
            "netvraag niet meegeteld."
        )
    what = f"ronde {survey_round.name}" if survey_round else "laatst ingediende versies"
    basis = f"{len(plans)} plannen ({what}{', cluster 6' if cluster6_only else ''})"
    return EngineInput(
        params=params,
        plans=plans,
        infra=infra,
        refs=refs,
        project_group=groups,
        projects={**grid.projects, **carrier_infos},
        basis=basis,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------- scenarios


def scenario_to_engine(s: Scenario, inputs: EngineInput | None = None) -> eng.Scenario:
    """A stored scenario as the engine's Scenario. Reinforcement shifts are keyed by project (group) code
    and expanded to every engine reinforcement of the group."""
    shifts: dict[str, int] = {}
    groups = inputs.project_group if inputs is not None else {}
    for code, years in (s.reinforcement_shifts or {}).items():
        members = [k for k, g in groups.items() if g == code] or [code]
        for k in members:
            shifts[k] = int(years)
    extras = tuple(
        eng.ExtraCapacity(
            area_id=str(x["area_id"]),
            year=int(x["year"]),
            mw=float(x["mw"]),
            certainty=eng.Certainty(x.get("certainty", "planned")),
            id=str(x.get("id", "")),
        )
        for x in (s.extra_capacity or [])
    )
    return eng.Scenario(
        name=s.name,
        reinforcement_shifts=shifts,
        congestion_end_shifts={k: int(v) for k, v in (s.congestion_end_shifts or {}).items()},
        rollout_shifts={k: int(v) for k, v in (s.rollout_shifts or {}).items()},
        extra_capacity=extras,
        flexible_share=s.flexible_share,
        all_plans_flexible=s.all_plans_flexible,
    )


def group_unlock(entries: Sequence[eng.UnlockEntry], inputs: EngineInput) -> list[dict[str, Any]]:
    """The unlock ranking per project: the replicas of a TenneT project over the areas it serves are
    summed (every plan sits under exactly one of them, so the sum is exact), then ranked again."""
    merged: dict[str, dict[str, Any]] = {}
    for e in entries:
        code = inputs.project_group.get(e.project_id, e.project_id)
        info = inputs.projects.get(code)
        row = merged.get(code)
        if row is None:
            merged[code] = {
                "code": code,
                "kind": e.kind.value,
                "name": info.name if info else e.name,
                "area_code": info.area_code if info else e.area_id,
                "area_name": info.area_name if info else (e.area_id or ""),
                "operator": info.operator if info else "",
                "carrier": e.carrier.value if e.carrier else None,
                "year": e.year,
                "year_earlier": e.year_earlier,
                "certainty": info.certainty if info else "",
                "co2_gained_t": e.co2_gained_t,
                "plans_unlocked": e.plans_unlocked,
                "plans_earlier": e.plans_earlier,
            }
        else:
            row["co2_gained_t"] += e.co2_gained_t
            row["plans_unlocked"] += e.plans_unlocked
            row["plans_earlier"] += e.plans_earlier
    rows = sorted(
        merged.values(),
        key=lambda r: (-r["co2_gained_t"], -r["plans_unlocked"], -r["plans_earlier"], r["code"]),
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# --------------------------------------------------------------------------------------- computing


def default_parameters(base_year: int) -> dict[str, Any]:
    return engine_io.params_to_dict(eng.Parameters(base_year=base_year))


def parameters(data: Mapping[str, Any] | None, base_year: int) -> dict[str, Any]:
    """Checked parameters (the engine's format) from a form or API payload; missing values: defaults.
    Raises EngineInputError (as InputError) with every problem."""
    try:
        params = engine_io.params_from_dict(dict(data or {}), base=eng.Parameters(base_year=base_year))
    except eng.EngineInputError as exc:
        raise InputError(exc.errors) from exc
    return engine_io.params_to_dict(params)


def scenario_check(values: Mapping[str, Any]) -> None:
    """The overrides of a scenario must be well-formed (the engine's scenario format)."""
    try:
        engine_io.scenario_from_dict({k: v for k, v in values.items() if v is not None})
    except eng.EngineInputError as exc:
        raise InputError(exc.errors) from exc


class InputError(ValueError):
    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True, slots=True)
class Computation:
    """Everything a stored run keeps, as plain data."""

    input_hash: str
    engine_version: str
    parameters: dict[str, Any]
    scenario_snapshot: dict[str, Any] | None
    basis: str
    notes: list[str]
    aggregates: dict[str, Any]
    comparison: dict[str, Any] | None
    unlock_ranking: list[dict[str, Any]]
    miek_candidates: list[dict[str, Any]]
    results: list[dict[str, Any]]  # per plan: PlanResult fields plus the ids of PlanRef
    duration_ms: int


def prepare(params_data: Mapping[str, Any], survey_round: SurveyRound | None = None) -> EngineInput:
    """The engine's input from the database, read once for a baseline and any scenario on it."""
    return load_inputs(params=engine_io.params_from_dict(dict(params_data)), survey_round=survey_round)


def scenario_for(inputs: EngineInput, scenario: Scenario | None) -> eng.Scenario | None:
    return scenario_to_engine(scenario, inputs) if scenario is not None else None


def digest(inputs: EngineInput, scenario: eng.Scenario | None) -> str:
    return engine_io.input_hash(inputs.plans, inputs.infra, inputs.params, scenario, eng.ENGINE_VERSION)


_CARRIER_FIELDS = tuple(f.name for f in dataclass_fields(eng.CarrierOutcome) if not f.name.startswith("_"))


def _carrier_dict(c: eng.CarrierOutcome) -> dict[str, Any]:
    """`engine_io.to_jsonable(c)` for a CarrierOutcome (plain values, enums and floats), without its
    generic dispatch: it runs for every carrier of every plan."""
    out: dict[str, Any] = {}
    for name in _CARRIER_FIELDS:
        value = getattr(c, name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, float):
            value = value if math.isfinite(value) else None
        elif value is not None and not isinstance(value, str | int):
            value = engine_io.to_jsonable(value)
        out[name] = value
    return out


def _result_fields(
    outcome: eng.PlanOutcome, planned_year: int, co2_reduction_t: float, ref: PlanRef
) -> dict[str, Any]:
    g = outcome.grid
    return {
        "plan_id": ref.plan_id,
        "plan_version_id": ref.version_id,
        "location_id": ref.location_id,
        "organisation_id": ref.organisation_id,
        "feasibility": outcome.feasibility.value,
        "bottleneck": outcome.bottleneck.value if outcome.bottleneck else "",
        "binding_requirement": outcome.binding_requirement or "",
        "planned_year": planned_year,
        "ready_year": outcome.ready_year,
        "ready_year_certain": outcome.ready_year_certain,
        "realisation_year": outcome.realisation_year,
        "ready_year_firm": outcome.ready_year_firm,
        "realisation_year_likely": outcome.realisation_year_likely,
        "realisation_year_latest": outcome.realisation_year_latest,
        "year_unknown": outcome.year_unknown,
        "by_deadline": outcome.by_deadline,
        "co2_reduction_t": co2_reduction_t,
        "grid_area_code": g.area_id if g else "",
        "requested_mw": g.requested_mw if g else None,
        "firm_mw": g.firm_mw if g else None,
        "connection_year": g.connection_year if g else None,
        "connection_year_certain": g.connection_year_certain if g else None,
        "connection_year_firm": g.connection_year_firm if g else None,
        "regional_year": g.regional_year if g else None,
        "tennet_year": g.tennet_year if g else None,
        "binding": g.binding.value if g else "",
        "queue_position": g.queue_position if g else None,
        "queue_length": g.queue_length if g else None,
        "mw_ahead": g.mw_ahead if g else None,
        "tennet_queue_position": g.tennet_queue_position if g else None,
        "tennet_queue_length": g.tennet_queue_length if g else None,
        "tennet_mw_ahead": g.tennet_mw_ahead if g else None,
        "carriers": [_carrier_dict(c) for c in outcome.carriers],
        "explanation": outcome.explanation,
    }


def compute(inputs: EngineInput, scenario: eng.Scenario | None, input_hash: str) -> Computation:
    """Run the engine: the analysis (with the scenario, compared with the baseline), the unlock ranking
    per project and the candidate MIEK areas."""
    started = time.perf_counter()
    try:
        engine = eng.Engine(inputs.plans, inputs.infra, inputs.params)
        result = engine.analyse(scenario)
        comparison = engine.compare(scenario, result=result) if scenario is not None else None
        ranking, per_project = unlock_ranking_with_contributions(result)
        miek = engine.miek_candidates(result=result)
    except eng.EngineInputError as exc:
        raise InputError(exc.errors) from exc
    planned, co2 = _columns(inputs.plans, ("planned_year", "co2_reduction_t"))
    refs = inputs.refs
    results = [
        _result_fields(o, planned[i], co2[i], refs[o.plan_id]) for i, o in enumerate(result.plan_outcomes())
    ]
    aggregates: dict[str, Any] = engine_io.to_jsonable(result.aggregates)
    miek_rows: list[dict[str, Any]] = engine_io.to_jsonable(miek)
    _contributions(inputs, aggregates, miek_rows, results)
    ranking_rows = group_unlock(ranking, inputs)
    companies = unlock_companies(per_project, inputs)
    for row in ranking_rows:
        row["companies"] = companies.get(row["code"], {})
    return Computation(
        input_hash=input_hash,
        engine_version=eng.ENGINE_VERSION,
        parameters=engine_io.params_to_dict(inputs.params),
        scenario_snapshot=engine_io.scenario_to_dict(scenario) if scenario is not None else None,
        basis=inputs.basis,
        notes=list(inputs.notes),
        aggregates=aggregates,
        comparison=engine_io.to_jsonable(comparison) if comparison is not None else None,
        unlock_ranking=ranking_rows,
        miek_candidates=miek_rows,
        results=results,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )


def _contributions(
    inputs: EngineInput,
    aggregates: dict[str, Any],
    miek: list[dict[str, Any]],
    results: Sequence[Mapping[str, Any]],
) -> None:
    """Add to every aggregate row and MIEK candidate what each company contributes to it, for the
    disclosure rule (core/disclosure.py, docs/sharing.md): `companies` maps the submitting organisation's
    id to its [plans, dependent plans, CO2 t/yr, CO2 t/yr by the deadline, plans that can, may not,
    cannot] in an aggregate row (the first four are checked for dominance, all for a scenario's
    difference from its baseline) and to its
    [plans, demand MW, CO2 t/yr] in a MIEK candidate; `n_companies` is their number. Stored with the run,
    never served as such (pages, API and exports show what the rule lets through)."""
    names = ("id", "status", "co2_reduction_t", "grid_area_id", "grid_mw")
    plan_ids, status, plan_co2, plan_area, plan_mw = _columns(inputs.plans, names)
    active = eng.PlanStatus.ACTIVE
    counted = [i for i, s in enumerate(status) if s == active]
    refs = inputs.refs
    org = [str(refs[plan_ids[i]].organisation_id) for i in counted]
    # Per counted plan: [1, dependent, CO2, CO2 by the deadline, can, may not, cannot].
    if len(results) == len(plan_ids) and all(
        r["plan_id"] == refs[pid].plan_id for r, pid in zip(results, plan_ids, strict=True)
    ):  # the results of compute: one per plan, in plan order
        rows_of: list[Mapping[str, Any]] = [results[i] for i in counted]
    else:
        outcome = {str(r["plan_id"]): r for r in results}
        rows_of = [outcome.get(str(refs[plan_ids[i]].plan_id), {}) for i in counted]
    co2 = np.array([float(plan_co2[i]) for i in counted], dtype=np.float64)
    column = np.array([_CLASS_COLUMN.get(str(r.get("feasibility")), 0) for r in rows_of], dtype=np.int64)
    by_deadline = np.array([bool(r.get("by_deadline")) for r in rows_of], dtype=np.bool_)
    values = np.zeros((len(counted), 7), dtype=np.float64)
    values[:, 0] = 1.0
    values[:, 2] = co2
    dependent = np.flatnonzero(column > 0)
    values[dependent, 1] = 1.0
    values[dependent, column[dependent]] = 1.0
    values[by_deadline, 3] = co2[by_deadline]
    org_index: dict[str, int] = {}
    org_code = np.fromiter((org_index.setdefault(o, len(org_index)) for o in org), np.int64, len(org))
    orgs = list(org_index)
    total = {orgs[k]: sums for k, sums in _sums_by_code(org_code, values)}
    aggregates["total"]["companies"] = total
    aggregates["total"]["n_companies"] = len(total)
    for dimension, rows in aggregates.get("by", {}).items():
        label_index: dict[str, int] = {}
        (dim_values,) = _columns(inputs.plans, (dimension,))
        label_code = np.fromiter(
            (label_index.setdefault(str(dim_values[i]), len(label_index)) for i in counted),
            np.int64,
            len(counted),
        )
        labels = list(label_index)
        groups: dict[str, dict[str, list[float]]] = {}
        for k, sums in _sums_by_code(label_code * max(len(orgs), 1) + org_code, values):
            label, org_k = divmod(k, max(len(orgs), 1))
            groups.setdefault(labels[label], {})[orgs[org_k]] = sums
        for row in rows:
            companies = groups.get(row["key"], {})
            row["companies"] = companies
            row["n_companies"] = len(companies)
    parent = {a.id: a.parent_id for a in inputs.infra.areas}
    area_keys: list[tuple[str, str]] = []
    area_values: list[tuple[float, float, float]] = []
    for i, o in zip(counted, org, strict=True):
        area, mw = plan_area[i], plan_mw[i]
        if area and mw > 0:
            v = (1.0, float(mw), float(plan_co2[i]))
            area_keys.append((area, o))
            area_values.append(v)
            if parent.get(area):
                area_keys.append((str(parent[area]), o))
                area_values.append(v)
    per_area: dict[str, dict[str, list[float]]] = {}
    if area_keys:
        for (area, o), sums in _sums_by(area_keys, np.array(area_values, dtype=np.float64)).items():
            per_area.setdefault(area, {})[o] = sums
    for m in miek:
        companies = per_area.get(m["area_id"], {})
        m["companies"] = companies
        m["n_companies"] = len(companies)


#: The column of a dependent class in the contribution vectors of `_contributions`.
_CLASS_COLUMN = {"can": 4, "may_not": 5, "cannot": 6}


def _sums_by_code(
    codes: npt.NDArray[np.int64], values: npt.NDArray[np.float64]
) -> list[tuple[int, list[float]]]:
    """As _sums_by, for integer keys (row i belongs to codes[i]): (code, column sums) in order of first
    appearance, every sum taken in row order."""
    if codes.shape[0] == 0:
        return []
    unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.shape[0], dtype=np.int64)
    rank[order] = np.arange(order.shape[0], dtype=np.int64)
    dense = rank[inverse.reshape(-1)]
    sums = np.column_stack(
        [np.bincount(dense, weights=values[:, j], minlength=order.shape[0]) for j in range(values.shape[1])]
    ).tolist()
    return [(int(k), sums[i]) for i, k in enumerate(unique[order].tolist())]


def _sums_by(keys: Sequence[Hashable], values: npt.NDArray[np.float64]) -> dict[Any, list[float]]:
    """The column sums of `values` per key (row i belongs to keys[i]), the keys in order of first
    appearance. Every sum is taken in row order (np.bincount adds its weights in input order), so it is
    the float that adding the rows one by one gives."""
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys))
    if not index:
        return {}
    sums = np.column_stack(
        [np.bincount(codes, weights=values[:, j], minlength=len(index)) for j in range(values.shape[1])]
    ).tolist()
    return {k: sums[c] for k, c in index.items()}


def unlock_companies(
    contributions: Mapping[str, Mapping[str, tuple[float, int, int]]], inputs: EngineInput
) -> dict[str, dict[str, list[float]]]:
    """Per project code (TenneT replicas merged, as in `group_unlock`), per organisation id, its
    [CO2 gained, plans a class better, plans earlier]: the companies a ranking row rests on."""
    out: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for project_id, per_plan in contributions.items():
        code = inputs.project_group.get(project_id, project_id)
        for plan_id, (gain, better, earlier) in per_plan.items():
            org = str(inputs.refs[plan_id].organisation_id)
            old = out[code].setdefault(org, [0.0, 0.0, 0.0])
            old[0] += float(gain)
            old[1] += float(better)
            old[2] += float(earlier)
    return out


def export_inputs(params_data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The database's inputs as the engine's files: plans and infrastructure."""
    inputs = prepare(params_data)
    return engine_io.plans_to_dict(inputs.plans), engine_io.infra_to_dict(inputs.infra)


ENGINE_VERSION = eng.ENGINE_VERSION
#: The engine's scenario type, for the services (which do not import the engine themselves).
EngineScenario = eng.Scenario
