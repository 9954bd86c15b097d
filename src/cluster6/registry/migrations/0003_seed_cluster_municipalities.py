"""Seed the default list of municipalities of geographic clusters 1 to 5 (editable in the admin)."""

from django.db import migrations


from cluster6.registry.constants import DEFAULT_CLUSTER_MUNICIPALITIES as DEFAULT


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
