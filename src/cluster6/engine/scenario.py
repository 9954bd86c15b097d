"""Scenarios: a scenario is applied to the timeline and the parameters, giving a new (pure) input."""

from __future__ import annotations

from dataclasses import replace

from .model import GridArea, Infrastructure, Parameters, Reinforcement, Scenario


def extra_capacity_id(scenario: Scenario, index: int) -> str:
    """The project id of the index-th (0-based) extra capacity of a scenario."""
    given = scenario.extra_capacity[index].id
    return given or f"scenario-extra-{index + 1}"


def apply_scenario(
    infra: Infrastructure, params: Parameters, scenario: Scenario
) -> tuple[Infrastructure, Parameters]:
    """The timeline and parameters with the scenario's overrides (rule 16): reinforcements, congestion end
    years and rollouts shifted by whole years, extra capacity added as reinforcements, and the flexible
    contract settings replaced."""
    extras: dict[str, list[Reinforcement]] = {}
    for i, extra in enumerate(scenario.extra_capacity):
        extras.setdefault(extra.area_id, []).append(
            Reinforcement(
                id=extra_capacity_id(scenario, i),
                year=extra.year,
                mw=extra.mw,
                certainty=extra.certainty,
                name="scenario: extra capaciteit",
            )
        )
    areas: list[GridArea] = []
    for area in infra.areas:
        reinforcements = tuple(
            replace(r, year=r.year + scenario.reinforcement_shifts[r.id])
            if r.id in scenario.reinforcement_shifts
            else r
            for r in area.reinforcements
        ) + tuple(extras.get(area.id, ()))
        end = area.congestion_end_year
        if end is not None and area.id in scenario.congestion_end_shifts:
            end += scenario.congestion_end_shifts[area.id]
        areas.append(replace(area, reinforcements=reinforcements, congestion_end_year=end))
    rollouts = tuple(
        replace(r, year=r.year + scenario.rollout_shifts[r.id]) if r.id in scenario.rollout_shifts else r
        for r in infra.rollouts
    )
    new_params = replace(
        params,
        flexible_share=params.flexible_share if scenario.flexible_share is None else scenario.flexible_share,
        all_plans_flexible=params.all_plans_flexible or scenario.all_plans_flexible,
    )
    return replace(infra, areas=tuple(areas), rollouts=rollouts), new_params
