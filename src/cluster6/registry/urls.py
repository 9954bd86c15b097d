from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("locaties/", views.location_list_view, name="location_list"),
    path("locaties/<int:pk>/", views.location_detail, name="location_detail"),
    path("locaties/<int:pk>/cluster/", views.location_cluster_override, name="location_cluster_override"),
    path("afbakening/", views.scope_page, name="scope"),
    path("kaart/", views.map_page, name="map"),
    path("kaart/locaties.geojson", views.map_locations, name="map_locations"),
    path("kaart/provincies.geojson", views.map_provinces, name="map_provinces"),
    path("imports/", import_views.import_page, name="import"),
]
