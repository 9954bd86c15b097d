"""Seed the default list of municipalities of geographic clusters 1 to 5 (editable in the admin)."""

from django.db import migrations

DEFAULT = [
    (1, "GM1979", "Eemsdelta"),
    (1, "GM1966", "Het Hogeland"),
    (1, "GM0114", "Emmen"),
    (2, "GM0453", "Velsen"),
    (2, "GM0375", "Beverwijk"),
    (2, "GM0363", "Amsterdam"),
    (2, "GM0479", "Zaanstad"),
    (3, "GM0599", "Rotterdam"),
    (3, "GM1709", "Moerdijk"),
    (4, "GM0718", "Vlissingen"),
    (4, "GM0654", "Borsele"),
    (4, "GM0715", "Terneuzen"),
    (5, "GM1883", "Sittard-Geleen"),
    (5, "GM0971", "Stein"),
    (5, "GM0888", "Beek"),
]


def seed(apps, schema_editor):
    ClusterMunicipality = apps.get_model("registry", "ClusterMunicipality")
    for cluster, code, name in DEFAULT:
        ClusterMunicipality.objects.get_or_create(
            municipality_code=code, defaults={"cluster": cluster, "municipality_name": name}
        )


def unseed(apps, schema_editor):
    apps.get_model("registry", "ClusterMunicipality").objects.filter(
        municipality_code__in=[code for _, code, _ in DEFAULT]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_location_grid_service_area")]
    operations = [migrations.RunPython(seed, unseed)]
