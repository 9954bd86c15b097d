"""Benchmark of the feasibility engine (cluster6.engine) on the synthetic national data set.

Run from the repository root: `.venv/bin/python bench/engine.py` (also run by `make bench`). For every scale
(`cluster6.engine.synthetic.generate(scale, seed)`) it prints the size of the input, the time to build it,
the full analysis time (Engine construction, which validates and compiles the inputs, plus analyse(); the
best of --repeat runs) and plans per second, the unlock-ranking time over every infrastructure project
(the default years_earlier), and the speed-up over the deliberately simple reference implementation in
tests/engine/reference.py on the same input. The targets are printed next to the figures, with PASS/FAIL.

The full analysis is timed twice: with the plans and queue requests as Plan and QueueRequest objects (as
synthetic.generate makes them) and as a PlanTable and a QueueTable (columns, as the database adapter hands
them to the engine; the tables are made before the timing, as the adapter makes them while it reads the
database); the targets apply to the latter. Next to it the "bare numpy queue kernel" is timed on the same
requests: only the queue arithmetic of both grid levels (sort by area, class, date; cumulative claims;
first year whose capacity covers them), with every input array ready-made. It is the floor the full
analysis is held against (issue 8: within 5x of it, and under 200 ms at scale 100).

The reference runs in a child process with a time budget (--reference-budget, per measurement). Its
full analysis is measured for real when it finishes within the budget (about 2-4 minutes at scale 100 on a
2-core machine); otherwise the figure is a lower bound ("> budget"). Its unlock ranking is brute force, one
full reference analysis per project plus the baseline: it is measured for real when that is expected to fit
in the budget (scale 1), and otherwise extrapolated as (projects + 1) x the measured reference analysis
time, and labelled as such.

    .venv/bin/python bench/engine.py [--scales 1,100] [--seed 1] [--repeat 5] [--json] [--no-reference]
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the reference implementation lives in tests/engine/reference.py

from cluster6.engine import ENGINE_VERSION, Engine, PlanTable, QueueTable, synthetic  # noqa: E402
from cluster6.engine.arrays import group_starts  # noqa: E402
from cluster6.engine.grid import capacity, claims  # noqa: E402
from cluster6.engine.synthetic import SyntheticData  # noqa: E402

#: The targets (on the 2-core development machine).
ANALYSIS_TARGET_S = {100: 0.2}  # full analysis (plans and queue as columns), per scale
KERNEL_FACTOR = 5.0  # full analysis (as columns) within this factor of the bare numpy queue kernel
UNLOCK_TARGET_S = {1: 1.0, 100: 30.0}  # unlock ranking over all projects, per scale
SPEEDUP_TARGET = 50.0  # engine / reference, every measured scale


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of `repeat` runs (seconds) and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# --------------------------------------------------------------------------------------- reference


def _in_child(conn: Any, fn: Callable[[], Any]) -> None:
    try:
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        conn.send(("ok", time.perf_counter() - t0, out))
    except BaseException as exc:  # report any failure to the parent
        conn.send(("error", 0.0, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_with_budget(fn: Callable[[], Any], budget_s: float) -> tuple[str, float, Any]:
    """Run fn in a forked child: ("ok", seconds, result), ("timeout", budget, None) or ("error", 0, msg).
    Without fork (not Linux) it runs in this process, without a budget."""
    if "fork" not in mp.get_all_start_methods():
        t0 = time.perf_counter()
        out = fn()
        return "ok", time.perf_counter() - t0, out
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_in_child, args=(send, fn), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(budget_s):
            status, seconds, out = receive.recv()
            child.join()
            return status, seconds, out
        return "timeout", budget_s, None
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        receive.close()


def reference_module() -> Any:
    from tests.engine import reference

    return reference


def aggregate_total(result: Any) -> dict[str, Any]:
    """The total row in the reference's shape, as tests/engine/strategies.aggregate_dict compares it:
    `n_unknown` (a shortage without a published year, rule 8) is not in the reference."""
    row = result.aggregates.total
    return {
        name: dict(getattr(row, name)) if name == "bottlenecks" else getattr(row, name)
        for name in row.__dataclass_fields__
        if name != "n_unknown"
    }


# --------------------------------------------------------------------------------------------- bench


def n_projects(data: SyntheticData) -> int:
    infra = data.infra
    ends = sum(1 for a in infra.areas if a.congestion_end_year is not None)
    return sum(len(a.reinforcements) for a in infra.areas) + ends + len(infra.rollouts)


def bench_scale(scale: int, seed: int, repeat: int, reference: bool, budget_s: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    data = synthetic.generate(scale, seed)
    build_s = time.perf_counter() - t0
    plans, infra, params = data.plans, data.infra, data.params
    out: dict[str, Any] = {
        "scale": scale,
        "seed": seed,
        "plans": len(plans),
        "areas": len(infra.areas),
        "queue_requests": len(infra.queue),
        "projects": n_projects(data),
        "build_data_s": build_s,
    }

    table_infra = replace(infra, queue=QueueTable.from_requests(infra.queue))
    table_plans = PlanTable.from_plans(plans)
    construct_s, engine = best_of(repeat, lambda: Engine(table_plans, table_infra, params))
    full_s, result = best_of(repeat, lambda: Engine(table_plans, table_infra, params).analyse())
    objects_s, _ = best_of(repeat, lambda: Engine(plans, infra, params).analyse())
    kernel_s, _ = best_of(repeat, queue_kernel(engine, infra, params))
    outcomes_s, _ = best_of(
        repeat, lambda: Engine(table_plans, table_infra, params).analyse().plan_outcomes()
    )
    engine.analyse()  # the baseline is computed once and cached: time the ranking alone
    unlock_s, ranking = best_of(repeat, lambda: engine.unlock_ranking())
    out.update(
        construct_s=construct_s,
        full_analysis_s=full_s,
        full_analysis_objects_s=objects_s,
        kernel_s=kernel_s,
        requests=int(engine.demand.req_kw.shape[0]),
        plans_per_s=len(plans) / full_s,
        full_analysis_with_outcomes_s=outcomes_s,
        unlock_ranking_s=unlock_s,
        unlock_projects=len(ranking),
        unlock_years_earlier=params.unlock_years_earlier,
    )
    if not reference:
        return out

    ref = reference_module()
    plan_list = list(plans)
    engine_total = aggregate_total(result)

    def ref_analysis() -> dict[str, Any]:
        return ref.analyse(plan_list, infra, params)["aggregates"]["total"]

    status, ref_s, ref_total = run_with_budget(ref_analysis, budget_s)
    runs = 1
    if status == "ok" and ref_s * repeat < min(budget_s, 10.0) and repeat > 1:
        # cheap enough to take the best of a few runs, like the engine
        more, ref_total = best_of(repeat - 1, ref_analysis)
        ref_s, runs = min(ref_s, more), repeat
    out["reference_analysis"] = {
        "status": status,  # ok: measured; timeout: did not finish within the budget (a lower bound)
        "seconds": ref_s,
        "runs": runs,
        "agrees": ref_total == engine_total if status == "ok" else None,
        "speedup": ref_s / full_s if status in ("ok", "timeout") else None,
        "speedup_with_outcomes": ref_s / outcomes_s if status in ("ok", "timeout") else None,
        "error": ref_total if status == "error" else None,
    }

    # The reference unlock ranking reruns the whole reference analysis per project (and once for the
    # baseline): measure it when that fits the budget, otherwise extrapolate from the analysis time.
    n_runs = len(ranking) + 1
    estimate = n_runs * ref_s
    engine_rows = [(e.project_id, e.co2_gained_t, e.plans_unlocked, e.plans_earlier) for e in ranking]
    if status == "ok" and estimate <= budget_s:
        years = params.unlock_years_earlier

        def ref_unlock() -> list[tuple[Any, ...]]:
            return [tuple(r) for r in ref.unlock_ranking(plan_list, infra, params, years)]

        u_status, u_s, rows = run_with_budget(ref_unlock, budget_s)
        out["reference_unlock"] = {
            "status": u_status,
            "seconds": u_s,
            "agrees": rows == engine_rows if u_status == "ok" else None,
            "speedup": u_s / unlock_s if u_status in ("ok", "timeout") else None,
            "error": rows if u_status == "error" else None,
        }
    elif status in ("ok", "timeout"):
        out["reference_unlock"] = {
            "status": "extrapolated" if status == "ok" else "extrapolated_lower_bound",
            "seconds": estimate,
            "basis": f"{n_runs} reference analyses x {ref_s:.3g} s",
            "agrees": None,
            "speedup": estimate / unlock_s,
        }
    return out


def queue_kernel(engine: Engine, infra: Any, params: Any) -> Callable[[], Any]:
    """The bare numpy queue kernel on the engine's requests (both grid levels), every input ready-made:
    one stable sort per level by (area, class, date), the cumulative claim per area, and the first year
    whose capacity covers it (capacity rows are non-decreasing). No validation, ids, plans or outcomes."""
    d = engine.demand
    cap = capacity(infra, d.area_index, params).all
    kw = claims(d, params)
    req_area = np.full(kw.shape[0], -1, dtype=np.int64)
    req_area[d.regional.request] = d.regional.group
    ten_area = np.full(kw.shape[0], -1, dtype=np.int64)
    ten_area[d.tennet.request] = d.tennet.group
    prio = np.zeros(kw.shape[0], dtype=np.int64)  # the class and date: any int64 keys of the same shape
    day = np.arange(kw.shape[0], dtype=np.int64)[::-1].copy()

    def run() -> list[Any]:
        out = []
        for group in (req_area, ten_area):
            sel = np.flatnonzero(group >= 0)
            order = sel[np.lexsort((day[sel], prio[sel], group[sel]))]
            g, c = group[order], kw[order]
            cs = np.cumsum(c)
            cum = cs - (cs - c)[group_starts(g)]
            out.append((cap[g] < cum[:, None]).sum(axis=1))
        return out

    return run


# ---------------------------------------------------------------------------------------------- report


def targets(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        s = r["scale"]
        if s in ANALYSIS_TARGET_S:
            rows.append(
                {
                    "target": f"full analysis at scale {s} < {ANALYSIS_TARGET_S[s]:g} s",
                    "value": f"{r['full_analysis_s']:.3f} s",
                    "pass": r["full_analysis_s"] < ANALYSIS_TARGET_S[s],
                }
            )
        if s in ANALYSIS_TARGET_S and r.get("kernel_s"):
            factor = r["full_analysis_s"] / r["kernel_s"]
            rows.append(
                {
                    "target": f"full analysis at scale {s} within {KERNEL_FACTOR:g}x the bare numpy kernel",
                    "value": f"{factor:.1f}x ({ms(r['full_analysis_s'])} / {ms(r['kernel_s'])})",
                    "pass": factor <= KERNEL_FACTOR,
                }
            )
        if s in UNLOCK_TARGET_S:
            rows.append(
                {
                    "target": f"unlock ranking at scale {s} < {UNLOCK_TARGET_S[s]:g} s",
                    "value": f"{r['unlock_ranking_s']:.3f} s",
                    "pass": r["unlock_ranking_s"] < UNLOCK_TARGET_S[s],
                }
            )
        for key, label in (("reference_analysis", "full analysis"), ("reference_unlock", "unlock ranking")):
            ref = r.get(key)
            if not ref or ref.get("speedup") is None:
                continue
            how = {
                "ok": "measured",
                "timeout": "lower bound: the reference did not finish",
                "extrapolated": "reference extrapolated",
                "extrapolated_lower_bound": "reference extrapolated, lower bound",
            }[ref["status"]]
            rows.append(
                {
                    "target": f"{label} at scale {s}: engine >= {SPEEDUP_TARGET:g}x the reference",
                    "value": f"{ref['speedup']:,.0f}x ({how})",
                    "pass": ref["speedup"] >= SPEEDUP_TARGET,
                }
            )
    return rows


def ms(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:,.1f} ms"
    if seconds < 3600:
        return f"{seconds:,.2f} s"
    return f"{seconds:,.0f} s (about {seconds / 86400:,.1f} days)"


def print_report(results: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    print(
        f"Cluster 6 engine benchmark: engine {meta['engine']}, Python {meta['python']},"
        f" numpy {meta['numpy']}, {meta['cpus']} CPUs; timings are the best of {meta['repeat']} runs"
    )
    for r in results:
        print(f"\nscale {r['scale']} (seed {r['seed']})")
        print(
            f"  input                {r['plans']:,} plans, {r['areas']:,} grid areas,"
            f" {r['queue_requests']:,} queue requests, {r['projects']:,} infrastructure projects"
        )
        print(f"  build data           {ms(r['build_data_s'])}  (synthetic.generate)")
        print(
            f"  full analysis        {ms(r['full_analysis_s'])}  ({r['plans_per_s']:,.0f} plans/s,"
            " plans and queue as columns;"
            f" Engine() with validation and compile: {ms(r['construct_s'])}, then analyse())"
        )
        print(f"    with Plan and QueueRequest objects: {ms(r['full_analysis_objects_s'])}")
        print(f"    bare numpy queue kernel: {ms(r['kernel_s'])}  ({r['requests']:,} requests, both levels)")
        print(f"    + every plan outcome and explanation built: {ms(r['full_analysis_with_outcomes_s'])}")
        print(
            f"  unlock ranking       {ms(r['unlock_ranking_s'])}  ({r['unlock_projects']:,} projects,"
            f" {r['unlock_years_earlier']} years earlier)"
        )
        ref = r.get("reference_analysis")
        if ref is None:
            continue
        if ref["status"] == "error":
            print(f"  reference analysis   failed: {ref['error']}")
        else:
            what = (
                f"measured, best of {ref['runs']}"
                if ref["status"] == "ok"
                else "did not finish within the budget: a lower bound"
            )
            agrees = "" if ref["agrees"] is None else f"; totals agree: {'yes' if ref['agrees'] else 'NO'}"
            print(
                f"  reference analysis   {'> ' if ref['status'] == 'timeout' else ''}{ms(ref['seconds'])}"
                f"  ({what}{agrees})"
            )
            print(
                f"    speed-up           {ref['speedup']:,.0f}x  (full analysis);"
                f" {ref['speedup_with_outcomes']:,.0f}x with every plan outcome built, as the reference does"
            )
        unlock = r.get("reference_unlock")
        if unlock is not None:
            if unlock["status"] == "error":
                print(f"  reference unlock     failed: {unlock['error']}")
            else:
                what = {
                    "ok": "measured once",
                    "timeout": "did not finish within the budget: a lower bound",
                    "extrapolated": f"EXTRAPOLATED, not run: {unlock.get('basis')}",
                    "extrapolated_lower_bound": f"EXTRAPOLATED lower bound: {unlock.get('basis')}",
                }[unlock["status"]]
                agrees = (
                    ""
                    if unlock["agrees"] is None
                    else f"; ranking agrees: {'yes' if unlock['agrees'] else 'NO'}"
                )
                print(
                    f"  reference unlock     {'> ' if unlock['status'] == 'timeout' else ''}"
                    f"{ms(unlock['seconds'])}  ({what}{agrees})"
                )
                print(f"    speed-up           {unlock['speedup']:,.0f}x  (unlock ranking)")
    rows = targets(results)
    if rows:
        width = max(len(t["target"]) for t in rows)
        print("\nTargets")
        for t in rows:
            print(f"  {t['target']:<{width}}  {t['value']:<48}  {'PASS' if t['pass'] else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,100", help="comma-separated scales (default 1,100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; the best counts (default 5)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference implementation")
    parser.add_argument(
        "--reference-budget",
        type=float,
        default=300.0,
        help="seconds allowed per reference measurement (default 300)",
    )
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    repeat = max(1, args.repeat)
    meta = {
        "engine": ENGINE_VERSION,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "repeat": repeat,
        "reference_budget_s": args.reference_budget,
    }
    results = [
        bench_scale(s, args.seed, repeat, not args.no_reference, args.reference_budget) for s in scales
    ]
    if args.json:
        print(json.dumps({"meta": meta, "results": results, "targets": targets(results)}, indent=2))
    else:
        print_report(results, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
