"""`cluster6 demo --seed 1 --scale 1 [--reset]`: load the deterministic synthetic national data set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cluster6.demo.loader import DemoError, demo_load


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = _(
        "Genereert de synthetische, deterministische demodataset (zelfde seed en schaal geven dezelfde "
        "gegevens) en schrijft die in één transactie naar de database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help=_("Seed van de generator (standaard 1)."))
        parser.add_argument(
            "--scale",
            type=positive_int,
            default=1,
            help=_("Vermenigvuldigt het aantal locaties, organisaties en gebieden (standaard 1)."),
        )
        parser.add_argument(
            "--reset", action="store_true", help=_("Verwijder eerst de bestaande demogegevens.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        try:
            result = demo_load(
                seed=options["seed"],
                scale=options["scale"],
                reset=options["reset"],
                progress=verbosity > 1 or (verbosity == 1 and options["scale"] >= 10),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity == 0:
            return
        s = result.summary
        if result.deleted:
            self.stdout.write(
                _("Verwijderd: %(locations)s locaties, %(companies)s bedrijven, %(areas)s voedingsgebieden.")
                % {
                    "locations": result.deleted.get("locations", 0),
                    "companies": result.deleted.get("companies", 0),
                    "areas": result.deleted.get("grid_service_areas", 0),
                }
            )
            if result.deleted.get("memberships"):
                self.stdout.write(
                    _(
                        "Let op: %(n)s lidmaatschappen van demobedrijven zijn vervallen; "
                        "draai `cluster6 setup_demo`."
                    )
                    % {"n": result.deleted["memberships"]}
                )
        lines = [
            _("Demodata geladen (seed %(seed)s, schaal %(scale)s) in %(seconds).1f s:")
            % {"seed": s["seed"], "scale": s["scale"], "seconds": result.seconds},
            _("  locaties: %(n)s (cluster 6 ETS %(ets)s, cluster 6 niet-ETS %(non)s, clusters 1-5 %(c15)s)")
            % {
                "n": s["locations"],
                "ets": s["cluster6_ets"],
                "non": s["cluster6_non_ets"],
                "c15": s["clusters_1_5"],
            },
            _("  organisaties: %(n)s (waarvan %(c)s bedrijven); bedrijventerreinen: %(p)s")
            % {"n": s["organisations"], "c": s["companies"], "p": s["business_parks"]},
            _("  voedingsgebieden: %(a)s; netprojecten: %(p)s; emissiegegevens: %(e)s")
            % {"a": s["grid_service_areas"], "p": s["grid_projects"], "e": s["emission_records"]},
            _("  cluster 6 ETS: %(mt13)s Mt (2013), %(mt)s Mt (2024); mediaan %(med)s kt, p90 %(p90)s kt")
            % {
                "mt13": s["cluster6_ets_mt_2013"],
                "mt": s["cluster6_ets_mt_2024"],
                "med": s["cluster6_ets_median_kt_2024"],
                "p90": s["cluster6_ets_p90_kt_2024"],
            },
            _("  L-CES-scope cluster 6: %(lces).0f%%; op een bedrijventerrein: %(park).0f%%")
            % {"lces": 100 * s["cluster6_lces_share"], "park": 100 * s["business_park_share"]},
        ]
        a = result.analysis
        if a:
            lines.append(
                _(
                    "  analyse: %(n)s plannen, %(d)s afhankelijk van nieuwe infrastructuur; "
                    "kan niet of mag niet: %(share).0f%% (run %(run)s)"
                )
                % {
                    "n": a["plans"],
                    "d": a["dependent"],
                    "share": 100 * (a["headline_share"] or 0),
                    "run": a["run"],
                }
            )
        for line in lines:
            self.stdout.write(line)
