"""cluster6 import ets|nea|boundaries|grid|carriers PATH... [--dry-run] [--json]

Checks every file before parsing it (size, encoding, rows, columns, cells, JSON depth: core/safefiles.py),
then validates every row of every file; with any error nothing is written and the command exits with
status 1, naming the file or every bad row (no traceback). See docs/formats.md for the accepted files
and the limits.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cluster6.accounts.models import User
from cluster6.core.importing import ImportStatus, InputFile
from cluster6.registry.importers.service import IMPORTERS, import_files


class Command(BaseCommand):
    help = (
        "Import public data: ets (EUTL installations and verified emissions, wide or long), nea (NEa "
        "emission figures), boundaries (CBS provinces and municipalities), grid (capacity map)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="What the files contain.")
        parser.add_argument("paths", nargs="+", type=Path, help="One or more files (the kind is detected).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, then roll back: nothing is stored."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON on stdout.")
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Progress bar on stderr (default: only when stderr is a terminal).",
        )
        parser.add_argument("--user", default="", help="User name to record as the actor (default: system).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: User | None = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("Onbekende gebruiker: %(user)s") % {"user": options["user"]})
        report = import_files(
            kind=options["kind"],
            files=[InputFile.of(p) for p in options["paths"]],
            actor=actor,
            dry_run=options["dry_run"],
            progress=options["progress"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(report.summary_lines()))
        if report.status == ImportStatus.REJECTED:
            raise CommandError(
                _("Import afgewezen: %(n)s fout(en) in %(rows)s regel(s); niets opgeslagen.")
                % {"n": len(report.errors), "rows": report.rejected},
                returncode=1,
            )
