from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import analysis, plans, views
from .comparison import PlanComparisonView

router = DefaultRouter()
router.include_format_suffixes = False
router.register("locations", views.LocationViewSet, basename="location")
router.register("emissions", views.EmissionViewSet, basename="emission")
router.register("grid-areas", views.GridAreaViewSet, basename="grid-area")
router.register("grid-projects", views.GridProjectViewSet, basename="grid-project")
router.register("carrier-rollouts", views.CarrierRolloutViewSet, basename="carrier-rollout")
router.register("plans", plans.PlanVersionViewSet, basename="plan")
router.register("consents", plans.ConsentViewSet, basename="consent")
router.register("analysis/runs", analysis.RunViewSet, basename="analysis-run")
router.register("analysis/scenarios", analysis.ScenarioViewSet, basename="analysis-scenario")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("exports/grid-demand/", plans.GridDemandView.as_view(), name="grid-demand"),
    # Before the router, so that a "plans" viewset's detail route cannot capture "comparison".
    path("plans/comparison/", PlanComparisonView.as_view(), name="plan-comparison"),
    path(
        "analysis/plans/<int:plan_id>/connection/",
        analysis.PlanConnectionView.as_view(),
        name="analysis-plan-connection",
    ),
    path("", include(router.urls)),
]
