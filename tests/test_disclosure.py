"""The one disclosure rule (cluster6.core.disclosure, docs/sharing.md "De openbaarmakingsregel") on
hand-made tables, and a property test that plays the attacker: it tries every combination of the
published figures with coefficients -1, 0 and 1 and checks what it can work out about the suppressed ones.

Tables are `cell -> {company: value}`; the cells add up to a published total."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster6.core.disclosure import (
    DOMINANCE,
    PRIMARY,
    SECONDARY,
    TOTAL,
    Rule,
    merge,
    suppression,
)
from cluster6.engine import Engine
from cluster6.engine.unlock import unlock_ranking_with_contributions
from tests.engine.strategies import worlds

RULE = Rule(min_companies=3, max_share=0.70)


def test_a_figure_of_enough_companies_without_a_dominant_one_is_published():
    assert RULE.check({"a": 100, "b": 100, "c": 100}) == ""
    assert RULE.check({"a": 70, "b": 20, "c": 10}) == ""  # exactly 70%: allowed


def test_too_few_companies_is_primary_and_one_dominant_company_is_dominance():
    assert RULE.check({"a": 100, "b": 100}) == PRIMARY
    assert RULE.check({"a": 71, "b": 20, "c": 9}) == DOMINANCE
    # a vector of measures: dominance in any one of them suppresses (plans, CO2)
    assert RULE.check({"a": (1, 900), "b": (1, 50), "c": (1, 50)}) == DOMINANCE


def test_companies_the_viewer_reads_in_full_are_subtracted_first():
    # the viewer reads a's plans: what remains is b and c, two companies
    assert RULE.check({"a": 100, "b": 100, "c": 100}, known=frozenset({"a"})) == PRIMARY
    # a figure resting only on companies the viewer reads is its own knowledge: published
    assert RULE.check({"a": 100, "b": 100}, known=frozenset({"a", "b"})) == ""
    # nothing to protect: an empty figure, or companies contributing nothing
    assert RULE.check({}) == ""
    assert RULE.check({"a": 0, "b": 0}) == ""


def test_hand_made_table_primary_dominance_and_secondary():
    """docs/sharing.md, worked example 1.

    | sector    | companies (t CO2)           | rule                       |
    | glas      | g1 400, g2 300, g3 300       | shown                      |
    | keramiek  | k1 900, k2 50, k3 50         | k1 holds 90%: dominance    |
    | voeding   | v1 200, v2 200               | 2 companies: primary       |
    | papier    | p1 100, p2 100, p3 100, p4 50 | passes, but see below      |
    total 2,750 t, 12 companies: published.

    The total minus the shown cells gives keramiek + voeding = 1,400 t, of which k1 holds 900 (64%)
    over 5 companies: that passes, so no secondary suppression is needed."""
    cells = {
        "glas": {"g1": 400, "g2": 300, "g3": 300},
        "keramiek": {"k1": 900, "k2": 50, "k3": 50},
        "voeding": {"v1": 200, "v2": 200},
        "papier": {"p1": 100, "p2": 100, "p3": 100, "p4": 50},
    }
    assert suppression(cells, rule=RULE) == {"keramiek": DOMINANCE, "voeding": PRIMARY}


def test_a_single_companys_figure_that_the_totals_would_give_is_protected():
    """docs/sharing.md, worked example 2. One company alone in a sector: primary. Without secondary
    suppression the total minus the other sectors would give exactly its figure (777 t). Blanking the
    smallest other sector (papier, 300 t) is not enough: the sum would be 1,077 t of which x holds
    72% (> 70%). Glas (1,000 t) makes it 1,777 t over 4 companies with x at 44%: glas is blanked."""
    cells = {
        "glas": {"g1": 400, "g2": 300, "g3": 300},
        "papier": {"p1": 100, "p2": 100, "p3": 100},
        "asfalt": {"x": 777},  # one company
    }
    reasons = suppression(cells, rule=RULE)
    assert reasons == {"asfalt": PRIMARY, "glas": SECONDARY}
    assert RULE.check(merge([cells["asfalt"], cells["papier"]])) == DOMINANCE
    assert RULE.passes(merge([cells["asfalt"], cells["glas"]]))


def test_two_cells_of_one_company_each_are_not_enough_for_each_other():
    """The old rule blanked a second cell only when exactly one was blanked. Two one-company cells
    (a: 500, b: 300) were both blanked, but the total minus the rest gave a + b = 800, so a learned b's
    figure (800 - 500). Now the blanked cells together must rest on >= 3 companies: a cell of other
    companies is blanked as well."""
    cells = {
        "a-sector": {"a": 500},
        "b-sector": {"b": 300},
        "groot": {"c": 1000, "d": 1000, "e": 1000},
        "middel": {"f": 300, "g": 300, "h": 300},
    }
    reasons = suppression(cells, rule=RULE)
    assert reasons["a-sector"] == reasons["b-sector"] == PRIMARY
    assert reasons["middel"] == SECONDARY  # the smallest cell that makes the sum pass
    assert "groot" not in reasons
    together = merge(cells[k] for k in reasons)
    # what a learns: the suppressed sum minus its own 500 = b + f + g + h, four companies
    assert len({c for c in together if c != "a"}) == 4
    assert RULE.passes(together)


def test_a_total_that_fails_the_rule_is_suppressed_with_every_cell():
    cells = {"x": {"a": 10}, "y": {"b": 10}}
    reasons = suppression(cells, rule=RULE)
    assert reasons[TOTAL] == PRIMARY
    assert set(reasons) == {TOTAL, "x", "y"}


def test_cells_resting_on_no_unknown_company_are_never_suppressed():
    cells = {"leeg": {}, "eigen": {"me": 5}, "x": {"a": 10}, "y": {"b": 10, "c": 10, "d": 10}}
    reasons = suppression(cells, rule=RULE, known=frozenset({"me"}))
    assert "leeg" not in reasons
    assert "eigen" not in reasons
    assert reasons["x"] == PRIMARY


# ------------------------------------------------------------------------------------ the attacker


def _attack(cells: dict[str, dict[str, float]], reasons: dict[str, str]) -> list[tuple[int, ...]]:
    """Every combination sum(c_j * published_j) with c_j in {-1, 0, 1} over the published figures (the
    cells shown and the total) that is a function of the suppressed cells alone, as its coefficient on
    each suppressed cell (in the order of `hidden`). The total is the sum of all cells, so a combination
    with coefficient t on the total and c_j on shown cell j equals t * sum(suppressed) when c_j = -t
    for every shown cell; otherwise it still involves a shown cell's value and says nothing new."""
    keys = list(cells)
    shown = [k for k in keys if k not in reasons]
    hidden = [k for k in keys if k in reasons]
    total_shown = TOTAL not in reasons
    found = []
    for coefficients in itertools.product((-1, 0, 1), repeat=len(shown) + int(total_shown)):
        t = coefficients[-1] if total_shown else 0
        on_shown = coefficients[: len(shown)]
        # value = t * (sum of all cells) + sum(c_j * shown_j): the shown part cancels only when c_j = -t
        if any(c + t != 0 for c in on_shown):
            continue
        on_hidden = tuple(t for _ in hidden)
        if any(on_hidden):
            found.append(on_hidden)
    return found


@st.composite
def tables(draw):
    n_cells = draw(st.integers(min_value=1, max_value=6))
    companies = [f"c{i}" for i in range(draw(st.integers(min_value=1, max_value=9)))]
    cells = {}
    for i in range(n_cells):
        members = draw(st.lists(st.sampled_from(companies), min_size=0, max_size=4, unique=True))
        cells[f"g{i}"] = {c: draw(st.integers(min_value=1, max_value=1000)) for c in members}
    return cells


@settings(max_examples=300, deadline=None)
@given(cells=tables(), insider=st.integers(min_value=0, max_value=8))
def test_no_combination_of_published_figures_reveals_a_suppressed_cell(cells, insider):
    """For random tables: every suppressed cell fails the rule or is secondary; every combination of the
    published figures (total and shown cells, coefficients -1, 0, 1) that depends on suppressed cells
    alone is +-(their sum), never one suppressed cell unless it is the only one and passes; and that sum
    rests on >= 3 companies with none above 70% (so an insider who subtracts its own contribution still
    faces at least two others). Stated structurally: in a one-dimensional table with a published total,
    the published figures determine exactly one linear function of the suppressed cells, their sum."""
    reasons = suppression(cells, rule=RULE)
    hidden = [k for k in cells if k in reasons]
    for key, contributions in cells.items():
        if RULE.check(contributions):
            assert key in reasons  # primary
        if key in reasons and reasons[key] == SECONDARY:
            assert RULE.passes(contributions)
        if not RULE.unknown(contributions):
            assert key not in reasons or TOTAL in reasons
    if TOTAL in reasons:
        assert not RULE.passes(merge(cells.values()))
        assert not _attack(cells, reasons)  # nothing is published that involves the cells
        return
    combos = _attack(cells, reasons)
    for on_hidden in combos:
        # only the sum of all suppressed cells (up to sign) is determined ...
        assert set(on_hidden) in ({1}, {-1})
        # ... and it rests on enough companies, none dominant
        together = merge(cells[k] for k in hidden)
        assert RULE.passes(together)
        if len(hidden) == 1:  # a single blanked cell would be given away by the total
            assert not RULE.check(cells[hidden[0]])
    # an insider among the companies of the suppressed cells learns the sum of at least two others
    together = merge(cells[k] for k in hidden)
    me = f"c{insider}"
    if hidden and me in together:
        assert len([c for c in RULE.unknown(together) if c != me]) >= RULE.min_companies - 1


@settings(max_examples=200, deadline=None)
@given(cells=tables(), known=st.sets(st.sampled_from([f"c{i}" for i in range(9)]), max_size=3))
def test_the_rule_for_a_viewer_who_reads_some_companies(cells, known):
    """The same with companies the viewer reads in full: what it may not read, in the suppressed sum,
    passes the rule."""
    k = frozenset(known)
    reasons = suppression(cells, rule=RULE, known=k)
    if TOTAL in reasons:
        assert not RULE.passes(merge(cells.values()), k)
        return
    hidden = [key for key in cells if key in reasons]
    if hidden:
        assert RULE.passes(merge(cells[key] for key in hidden), k)
    for key in cells:
        if key not in reasons:
            assert RULE.passes(cells[key], k)


# ------------------------------------------------------ what the unlock ranking rests on (engine)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=worlds(max_plans=6), years_earlier=st.integers(0, 4))
def test_the_ranking_contributions_add_up_to_each_projects_figures(world, years_earlier):
    """The disclosure rule judges a ranking row by the plans it rests on; those contributions must be
    exactly the row's figures (and the ranking the same as without them)."""
    engine = Engine(world.plans, world.infra, world.params)
    result = engine.analyse()
    entries, contributions = unlock_ranking_with_contributions(result, years_earlier)
    assert entries == engine.unlock_ranking(years_earlier)
    for e in entries:
        per_plan = contributions.get(e.project_id, {})
        assert round(sum(g for g, _u, _e in per_plan.values()) - e.co2_gained_t) in (-1, 0, 1)
        assert sum(u for _g, u, _e in per_plan.values()) == e.plans_unlocked
        assert sum(x for _g, _u, x in per_plan.values()) == e.plans_earlier


def test_the_count_of_unknown_years_is_blanked_with_its_group():
    # given a run whose grid-operator row rests on two companies, one plan of which has an unknown year
    from cluster6.analysis.disclosure import disclosed_aggregates

    def row(key: str, companies: dict[str, list[float]], n_unknown: int) -> dict[str, object]:
        return {"key": key, "n_plans": 3, "n_cannot": 2, "n_unknown": n_unknown, "companies": companies}

    big = {c: [1.0, 1.0, 100.0, 0.0] for c in "abcdef"}
    aggregates = {
        "total": row("totaal", big, 1),
        "by": {
            "grid_operator": [
                row("Klein", {"a": [1.0, 1.0, 100.0, 0.0], "b": [1.0, 1.0, 100.0, 0.0]}, 1),
                row("Klein 2", {"c": [1.0, 1.0, 100.0, 0.0], "d": [1.0, 1.0, 100.0, 0.0]}, 0),
                row("Groot", {c: [1.0, 1.0, 100.0, 0.0] for c in "abcdef"}, 0),
            ]
        },
    }
    # when an outsider sees it
    shown = disclosed_aggregates(aggregates, known=frozenset())
    rows = {r["key"]: r for r in shown["by"]["grid_operator"]}
    # then the count of unknown years is blanked wherever the group is, and kept where it passes
    assert rows["Klein"]["suppression"]
    assert rows["Klein"]["n_unknown"] is None
    assert rows["Klein 2"]["n_unknown"] is None
    assert shown["total"]["n_unknown"] == 1
