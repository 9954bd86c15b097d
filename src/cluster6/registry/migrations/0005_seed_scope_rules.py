"""Seed the cluster-6 scope rules from the versioned data file registry/data/scope_rules_v1.json
(docs/scope.md). Later versions of the rules come as a new data file and a new migration; edits made in
the admin in between are kept (a rule with the same position is not overwritten)."""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "scope_rules_v1.json"


def seed(apps, schema_editor):
    ScopeRule = apps.get_model("registry", "ScopeRule")
    rules = json.loads(DATA_FILE.read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        ScopeRule.objects.get_or_create(
            position=rule["position"],
            defaults={
                "name": rule["name"],
                "explanation": rule["explanation"],
                "area": rule.get("area", "overal"),
                "sectors": rule.get("sectors", []),
                "activity_codes": rule.get("activity_codes", []),
                "nace_prefixes": rule.get("nace_prefixes", []),
                "municipality_codes": rule.get("municipality_codes", []),
                "ets_installation_ids": rule.get("ets_installation_ids", []),
                "outcome": rule["outcome"],
                "borderline": rule.get("borderline", False),
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("registry", "ScopeRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_scope_rules")]

    operations = [migrations.RunPython(seed, unseed)]
