from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kaart/locaties.geojson", views.map_locations, name="map_locations"),
    path("kaart/gebieden.geojson", views.map_areas, name="map_areas"),
    path("export/analyse.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/<slug:table>.csv", views.export_csv, name="export_csv"),
    path("plannen/", views.result_list, name="results"),
    path("plan/<int:result_id>/", views.result_detail, name="result_detail"),
    path("mijn-aansluiting/", views.company_page, name="company"),
    path("scenarios/", views.scenario_list_view, name="scenarios"),
    path("scenarios/nieuw/", views.scenario_create_view, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/bewerken/", views.scenario_edit_view, name="scenario_edit"),
    path("scenarios/<int:pk>/archiveren/", views.scenario_archive_view, name="scenario_archive"),
    path("ontsluiting/", views.unlock_page, name="unlock"),
]
