from typing import cast

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import analysis, auth, plans, views
from .comparison import PlanComparisonView
from .errors import not_found

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
    # The split view serves its start-up script from its own URL (?script), so no inline script is needed
    # under the site's Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        # ReDoc runs its search in a worker it starts from a blob: URL; the rest of the site's policy holds.
        csp_override(cast("dict[str, list[str]]", settings.CLUSTER6_REDOC_CSP))(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("auth/token/", auth.TokenObtainView.as_view(), name="token"),
    path("auth/token/revoke/", auth.TokenRevokeView.as_view(), name="token-revoke"),
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
    # Last: any other URL under /api/ gets the API's JSON 404 (URLs without the final slash are first
    # redirected to it by APPEND_SLASH).
    re_path(r"^.*/$", not_found, name="not-found"),
]
