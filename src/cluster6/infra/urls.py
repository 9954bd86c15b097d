from django.urls import path

from . import views

app_name = "infra"
urlpatterns = [
    path("netgebieden/", views.area_list, name="area_list"),
    path("netgebieden/<int:pk>/", views.area_detail, name="area_detail"),
    path("netgebieden/kaart.geojson", views.area_features, name="area_features"),
    path("congestiegebieden.geojson", views.zone_features, name="zone_features"),
    path("uitrol/", views.rollout_list_page, name="rollout_list"),
    path("uitrol/<int:pk>/", views.rollout_detail, name="rollout_detail"),
    path("uitrol/kaart.geojson", views.rollout_points, name="rollout_features"),
]
