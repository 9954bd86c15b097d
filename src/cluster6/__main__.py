"""The `cluster6` console command: every Django management command behind one entry point.

cluster6 import ets ../shared/data/ets/nl_ets_installations_2005_2022.csv --dry-run
cluster6 demo --seed 1 --scale 1
cluster6 runserver
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster6.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
