"""`cluster6 setup_demo`: the embedded default of `make run`.

Loads the demo data (seed 1, scale 1) when the database holds no production locations, and makes sure
there is one demo account per role. The passwords are fixed and public, so the command refuses to run
when settings.DEBUG is off unless --force is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cluster6.core.importing import InputFile
from cluster6.demo.accounts import demo_accounts_ensure
from cluster6.demo.loader import DemoError, demo_load
from cluster6.registry.importers.service import import_files
from cluster6.registry.models import ProductionLocation, Province

#: The public CBS boundaries in shared/data: real province and municipality shapes for the map.
BOUNDARY_FILES = (
    "boundaries/nl_provincies_2023.geojson",
    "boundaries/nl_gemeenten_2025.geojson",
    "boundaries/nl_gemeente_provincie_2025.csv",
)

URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = _(
        "Laadt de demodata als de database nog geen productielocaties heeft en maakt per rol een "
        "demo-account aan (vaste, openbare wachtwoorden; alleen met DEBUG aan, of met --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Ook uitvoeren als DEBUG uit staat (de demo-wachtwoorden zijn openbaar)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "setup_demo maakt accounts met openbare wachtwoorden en draait daarom alleen met "
                    "DEBUG aan. Gebruik --force als u dit echt wilt."
                )
            )
        if not ProductionLocation.objects.exists():
            self._load_boundaries()
            try:
                result = demo_load(seed=1, scale=1)
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
            s = result.summary
            self.stdout.write(
                _("Demodata geladen: %(n)s locaties, %(a)s voedingsgebieden (%(seconds).1f s).")
                % {"n": s["locations"], "a": s["grid_service_areas"], "seconds": result.seconds}
            )
        else:
            self.stdout.write(_("De database heeft al productielocaties; er is geen demodata geladen."))
        accounts = demo_accounts_ensure()
        headers = (_("Gebruiker"), _("Rol"), _("Organisatie"), _("Wachtwoord"))
        rows = [(a.username, a.role, a.organisation, a.password) for a in accounts]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(_("Demo-accounts:"))
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            self.stdout.write(
                ("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))).rstrip()
            )
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s en log in met een van deze accounts.") % {"url": URL})
        self.stdout.write(
            _(
                "Let op: deze wachtwoorden zijn openbaar (docs/demo-data.md). Daarom weigert setup_demo te "
                "draaien als DEBUG uit staat, tenzij --force wordt meegegeven."
            )
        )

    def _load_boundaries(self) -> None:
        """Import the real CBS boundaries first, when they are at hand and not yet loaded, so that the
        demo locations lie in real municipalities and the map shows the provinces."""
        if Province.objects.filter(geometry__isnull=False).exists():
            return
        paths = [Path(settings.SHARED_DATA_DIR) / name for name in BOUNDARY_FILES]
        if not all(p.exists() for p in paths):
            self.stdout.write(
                _("Geen grenzen gevonden in %(dir)s: de kaart toont geen provinciegrenzen.")
                % {"dir": settings.SHARED_DATA_DIR}
            )
            return
        report = import_files(kind="boundaries", files=[InputFile.of(p) for p in paths], actor=None)
        self.stdout.write(
            _("Provincie- en gemeentegrenzen geladen uit %(dir)s (%(status)s).")
            % {"dir": settings.SHARED_DATA_DIR, "status": report.status}
        )
