"""The upload page of the importers: who may use it, the report, and the row-level error table."""

from __future__ import annotations

import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.audit.models import ImportRun
from cluster6.registry.models import EmissionRecord, ProductionLocation
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

COLUMNS = ["installation_id", "installation_name", "account_holder", "company_registration_no"]
HEADER = ",".join([*COLUMNS, "latitude", "longitude", "verified_2022"]) + "\n"
GOOD = HEADER + "NL_1,Steenfabriek,Klei B.V.,111,51.9,5.9,12000\nNL_2,Zuivel,Melk B.V.,222,52.2,6.1,\n"
BAD = HEADER + "NL_1,Steenfabriek,Klei B.V.,111,abc,5.9,12000\nNL_2,Zuivel,,222,52.2,6.1,veel\n"


def upload(content, name="ets.csv"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


@pytest.fixture
def url():
    return reverse("import")


def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.BEDRIJF, Role.PROVINCIE, Role.NETBEHEERDER])
def test_other_roles_get_403_and_cannot_import(client, url, role):
    client.force_login(user_with_role(role))

    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "ets", "uploads": upload(GOOD)}).status_code == 403
    assert not ProductionLocation.objects.exists()


@pytest.mark.parametrize("role", [Role.MINISTERIE, Role.RVO, Role.CLUSTERREGISSEUR, Role.REGIOMANAGER])
def test_import_roles_see_the_form(client, url, role):
    client.force_login(user_with_role(role))
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="uploads"' in response.content
    assert b'name="dry_run"' in response.content


def test_an_allowed_user_uploads_and_sees_the_report(client, url, tmp_path, monkeypatch):
    # given a clusterregisseur, and a temp folder we can inspect
    user = user_with_role(Role.CLUSTERREGISSEUR, username="regisseur")
    client.force_login(user)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    # when a good file is uploaded
    response = client.post(url, {"kind": "ets", "uploads": upload(GOOD)})

    # then the report shows what was created, the data is there, and the upload is not kept
    assert response.status_code == 200
    report = response.context["report"]
    assert report.status == "applied"
    assert report.entities["locations"].created == 2
    html = response.content.decode()
    assert "toegepast" in html
    assert "productielocaties" in html
    assert ProductionLocation.objects.count() == 2
    assert EmissionRecord.objects.count() == 1
    run = ImportRun.objects.get()
    assert (run.actor, run.kind, run.file_names) == (user, "ets", ["ets.csv"])
    assert list(tmp_path.iterdir()) == []
    # and the run is listed
    assert run in list(response.context["runs"])
    assert 'id="import-runs"' in html


def test_a_bad_upload_shows_every_bad_row_and_writes_nothing(client, url):
    client.force_login(user_with_role(Role.MINISTERIE))

    response = client.post(url, {"kind": "ets", "uploads": upload(BAD)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "afgewezen, niets opgeslagen" in html
    assert 'id="import-errors"' in html
    rows = [(e.line, e.field, e.message) for e in response.context["report"].errors]
    assert rows == [
        (2, "latitude", "geen getal: 'abc'"),
        (3, "verified_2022", "geen getal: 'veel'"),
        (3, "account_holder", "verplicht veld is leeg"),
    ]
    for _line, field, message in rows:
        assert f"<code>{field}</code>" in html
        assert message.replace("'", "&#x27;") in html
    assert not ProductionLocation.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


def test_a_dry_run_upload_counts_but_stores_nothing(client, url):
    client.force_login(user_with_role(Role.RVO))

    response = client.post(url, {"kind": "ets", "uploads": upload(GOOD), "dry_run": "on"})

    assert response.context["report"].status == "dry-run"
    assert response.context["report"].created == 2 + 2 + 1
    assert "proefrun" in response.content.decode()
    assert not ProductionLocation.objects.exists()


def test_several_files_at_once_and_a_form_error(client, url):
    client.force_login(user_with_role(Role.MINISTERIE))
    provinces = '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"statcode": "PV26", "statnaam": "Utrecht"}, "geometry": {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.4, 52.0], [5.4, 52.3], [5.0, 52.0]]]}}]}'  # noqa: E501
    table = "gemeente_code,provincie_code\nGM0344,PV99\n"

    response = client.post(
        url,
        {"kind": "boundaries", "uploads": [upload(provinces, "prov.geojson"), upload(table, "tabel.csv")]},
    )

    report = response.context["report"]
    assert report.status == "rejected"
    assert [(e.sheet, e.line, e.field) for e in report.errors] == [("tabel.csv", 2, "provincie_code")]
    assert '<th scope="col">Bestand</th>' in response.content.decode()

    no_file = client.post(url, {"kind": "ets"})
    assert no_file.status_code == 200
    assert no_file.context["report"] is None
    assert no_file.context["form"].errors["uploads"]
