from django.contrib import admin
from django.urls import include, path

from cluster6.authz.policies import can_use_admin

# The Django admin is for the ministry role (and superusers): the policy layer decides.
admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
    request.user.is_active and request.user.is_staff and can_use_admin(request.user)
)
admin.site.site_header = "Cluster 6 – beheer"

# An unhandled exception: the API's JSON error under /api/, else templates/500.html.
handler500 = "cluster6.api.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cluster6.accounts.urls")),
    path("api/", include("cluster6.api.urls")),
    path("", include("cluster6.registry.urls")),
    path("infra/", include("cluster6.infra.urls")),
    path("plannen/", include("cluster6.plans.urls")),
    path("analyse/", include("cluster6.analysis.urls")),
    path("meldingen/", include("cluster6.notifications.urls")),
]
