"""`cluster6 analyse`: run the feasibility engine on the database or on files (docs/formats.md).

cluster6 analyse                                  # the current plans and timeline; stores a run
cluster6 analyse --scenario-id 3 --out run.json   # a stored scenario against the baseline
cluster6 analyse --plans p.json --infra i.json [--scenario s.json] [--params x.json] --out r.json
cluster6 analyse --export-inputs DIR              # write the database's inputs as files
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster6 import engine as eng
from cluster6.analysis.adapters import export_inputs
from cluster6.analysis.models import Scenario
from cluster6.analysis.selectors import run_document
from cluster6.analysis.services import analysis_run, parameters_from
from cluster6.core.safefiles import (
    UnsafeFile,
    check_size,
    decode_text,
    file_limits,
    load_json,
    read_limited,
)
from cluster6.engine import io as engine_io


def _read(path: str, what: str) -> Any:
    """A JSON file, checked before it is parsed (core/safefiles.py): its size (before reading), encoding,
    NUL characters, nesting depth and numbers."""
    limits = file_limits("import")
    try:
        check_size(Path(path).stat().st_size, path, limits)
        with Path(path).open("rb") as fh:
            text = decode_text(read_limited(fh, path, limits), path)
        return load_json(text, path, limits)
    except OSError as exc:
        raise CommandError(f"{what}: kan {path} niet lezen ({exc.strerror})") from exc
    except UnsafeFile as exc:
        if exc.line is not None:  # a syntax error: the engine's message, with line and column
            engine_io.load_json(text, what)
        raise CommandError(f"{what}: {exc}") from exc


def _write(path: str | None, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    if path in (None, "-"):
        sys.stdout.write(text + "\n")
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")


class Command(BaseCommand):
    # The system checks (seconds at start-up) belong to `cluster6 check` and the deployment, not to every
    # analysis: an analysis at national scale must finish in a few seconds (issue 8, bench/analyse.py).
    requires_system_checks: list[str] = []
    help = (
        "Voert de haalbaarheidsanalyse uit: op de database (standaard; de run wordt opgeslagen) of op "
        "bestanden (--plans en --infra). Zie docs/formats.md voor de bestandsformaten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plans", help="Plannenbestand (JSON, format cluster6.engine.plans).")
        parser.add_argument(
            "--infra", help="Infrastructuurbestand (JSON, format cluster6.engine.infrastructure)."
        )
        parser.add_argument("--scenario", help="Scenariobestand (JSON, format cluster6.engine.scenario).")
        parser.add_argument(
            "--scenario-id", type=int, help="Een opgeslagen scenario (alleen op de database)."
        )
        parser.add_argument(
            "--params", help="Parameters (JSON-object); ontbrekende velden: standaardwaarden."
        )
        parser.add_argument(
            "--out", help="Schrijf het resultaat (JSON, format cluster6.engine.result) hierheen; - is stdout."
        )
        parser.add_argument(
            "--export-inputs", metavar="DIR", help="Schrijf de invoer uit de database als bestanden."
        )
        parser.add_argument("--json", action="store_true", help="Samenvatting als JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            params = parameters_from(_read(options["params"], "parameters") if options["params"] else None)
            if options["export_inputs"]:
                self._export(options["export_inputs"], params)
                return
            if options["plans"] or options["infra"]:
                if not (options["plans"] and options["infra"]):
                    raise CommandError("Geef --plans en --infra samen (of geen van beide: de database).")
                if options["scenario_id"]:
                    raise CommandError("--scenario-id werkt alleen op de database; gebruik --scenario.")
                summary = self._on_files(options, params)
            else:
                summary = self._on_database(options, params)
        except eng.EngineInputError as exc:
            raise CommandError("De invoer is ongeldig:\n  " + "\n  ".join(exc.errors)) from exc
        except ValidationError as exc:
            raise CommandError("De invoer is ongeldig:\n  " + "\n  ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1))
        else:
            self._print(summary)

    def _export(self, folder: str, params: dict[str, Any]) -> None:
        plans, infra = export_inputs(params)
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        _write(str(out / "plans.json"), plans)
        _write(str(out / "infra.json"), infra)
        _write(str(out / "params.json"), params)
        self.stdout.write(
            f"{len(plans['plans'])} plannen, {len(infra['areas'])} voedingsgebieden, "
            f"{len(infra['rollouts'])} uitrolfasen geschreven naar {out}/ "
            "(plans.json, infra.json, params.json)"
        )

    def _on_files(self, options: dict[str, Any], params_data: dict[str, Any]) -> dict[str, Any]:
        params = engine_io.params_from_dict(params_data)
        errors: list[str] = []

        def load(parse: Any, option: str, what: str) -> Any:
            try:
                return parse(_read(options[option], what))
            except eng.EngineInputError as exc:
                errors.extend(exc.errors)
                return None

        plans = load(engine_io.plans_from_dict, "plans", "plannen")
        infra = load(engine_io.infra_from_dict, "infra", "infrastructuur")
        scenario = load(engine_io.scenario_from_dict, "scenario", "scenario") if options["scenario"] else None
        if errors:
            raise eng.EngineInputError(errors)
        started = time.perf_counter()
        engine = eng.Engine(plans, infra, params)
        result = engine.analyse(scenario)
        comparison = engine.compare(scenario, result=result) if scenario is not None else None
        ranking = engine.unlock_ranking(result=result)
        miek = engine.miek_candidates(result=result)
        digest = engine_io.input_hash(plans, infra, params, scenario, eng.ENGINE_VERSION)
        doc = engine_io.result_document(
            result=result,
            params=params,
            digest=digest,
            engine_version=eng.ENGINE_VERSION,
            scenario=scenario,
            comparison=comparison,
            unlock_ranking=ranking,
            miek_candidates=miek,
        )
        seconds = time.perf_counter() - started
        if options["out"]:
            _write(options["out"], doc)
        return {
            **doc["summary"],
            "input_hash": digest,
            "seconds": round(seconds, 3),
            "stored_run": None,
            "comparison": _comparison_summary(doc["comparison"]),
            "out": options["out"],
        }

    def _on_database(self, options: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        scenario = None
        if options["scenario"]:
            raise CommandError(
                "Een scenariobestand werkt alleen op bestanden; sla het scenario op in de webapplicatie en "
                "gebruik --scenario-id, of exporteer de invoer met --export-inputs."
            )
        if options["scenario_id"]:
            scenario = Scenario.objects.filter(pk=options["scenario_id"]).first()
            if scenario is None:
                raise CommandError(f"Scenario {options['scenario_id']} bestaat niet.")
        started = time.perf_counter()
        with _without_cyclic_gc():
            run = analysis_run(actor=None, params=params, scenario=scenario, reuse=False)
        seconds = time.perf_counter() - started
        if options["out"]:
            doc = run_document(run)  # every plan's result: read back only when it is written out
            _write(options["out"], doc)
        else:
            doc = run_document(run, results=())
        return {
            **doc["summary"],
            "input_hash": run.input_hash,
            "seconds": round(seconds, 3),
            "stored_run": run.pk,
            "comparison": _comparison_summary(doc["comparison"]),
            "out": options["out"],
            "notes": run.notes,
        }

    def _print(self, s: dict[str, Any]) -> None:
        share = s["headline_share"]
        lines = [
            f"Plannen: {s['n_plans']}; afhankelijk van nieuwe infrastructuur: {s['n_dependent']}",
            f"  kan doorgaan {s['n_can']}, mag (nog) niet {s['n_may_not']}, kan niet {s['n_cannot']}",
            f"  kan niet of mag niet: {share:.1%}" if share is not None else "  kan niet of mag niet: -",
            f"CO2-reductie vóór of in 2030 realiseerbaar: {s['co2_by_deadline_t']:,} t/jaar".replace(
                ",", "."
            ),
        ]
        if s.get("comparison"):
            c = s["comparison"]
            lines.append(
                f"Scenario '{c['name']}': {c['co2_by_deadline_delta_t']:+,} t/jaar vóór 2030, "
                f"{c['n_class_changes']} plannen van klasse veranderd".replace(",", ".")
            )
        for note in s.get("notes") or []:
            lines.append(f"Let op: {note}")
        lines.append(
            f"Invoer-hash {s['input_hash'][:16]}…, {s['seconds']} s"
            + (f", opgeslagen als run {s['stored_run']}" if s["stored_run"] else "")
        )
        if s["out"] and s["out"] != "-":
            lines.append(f"Resultaat geschreven naar {s['out']}")
        self.stdout.write("\n".join(lines))


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """No cyclic garbage collection while the run is made (this command is its own, short-lived process):
    it builds hundreds of thousands of small objects that live until the run is stored, and every full
    collection walks all of them again (about a third of the time at national scale). Reference counting
    still frees everything that is not in a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _comparison_summary(c: dict[str, Any] | None) -> dict[str, Any] | None:
    if not c:
        return None
    return {
        "name": c["name"],
        "co2_by_deadline_delta_t": c["co2_by_deadline_delta_t"],
        "headline_share_baseline": c["headline_share_baseline"],
        "headline_share_scenario": c["headline_share_scenario"],
        "n_class_changes": len(c["class_changes"]),
    }
