from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .oidc import OIDCCallbackView, OIDCLoginView

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord-vergeten/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-vergeten/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/intrekken/", views.token_revoke, name="token_revoke"),
    # Single sign-on (OpenID Connect): 404 unless CLUSTER6_OIDC_ENABLED.
    path("oidc/login/", OIDCLoginView.as_view(), name="oidc_login"),
    path("oidc/callback/", OIDCCallbackView.as_view(), name="oidc_callback"),
]
