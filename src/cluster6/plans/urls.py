from django.urls import path

from . import comparison_views, sharing_views, views

app_name = "plans"
urlpatterns = [
    # Sharing: consent, shared plans, demand export (plans/sharing_views.py)
    path("delen/", sharing_views.consent_page, name="consents"),
    path("delen/toestemming/", sharing_views.consent_grant_view, name="consent_grant"),
    path("delen/toestemming/<int:pk>/intrekken/", sharing_views.consent_revoke_view, name="consent_revoke"),
    path("gedeeld/", sharing_views.shared_list, name="shared_list"),
    path("gedeeld/<int:pk>/", sharing_views.shared_detail, name="shared_detail"),
    path("export/", sharing_views.export_page, name="export"),
    path("export/netvraag.csv", sharing_views.export_download, {"fmt": "csv"}, name="export_csv"),
    path("export/netvraag.xlsx", sharing_views.export_download, {"fmt": "xlsx"}, name="export_xlsx"),
    # Submission: a company's rounds, drafts, template and upload; the staff's overview (plans/views.py)
    path("", views.my_rounds, name="my_rounds"),
    path("rondes/<slug:code>/", views.round_detail, name="round_detail"),
    path("rondes/<slug:code>/starten/", views.round_start, name="round_start"),
    path("rondes/<slug:code>/plannen/nieuw/", views.plan_edit, name="plan_add"),
    path("rondes/<slug:code>/plannen/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("rondes/<slug:code>/plannen/<int:pk>/verwijderen/", views.plan_remove, name="plan_remove"),
    path("rondes/<slug:code>/indienen/", views.round_submit, name="round_submit"),
    path("rondes/<slug:code>/uploaden/", views.round_upload, name="round_upload"),
    path("rondes/<slug:code>/sjabloon.xlsx", views.round_template_xlsx, name="round_template"),
    path("rondes/<slug:code>/sjabloon.csv", views.round_template_csv, name="round_template_csv"),
    path("rondes/<slug:code>/revisies/<int:revision>/", views.revision_detail, name="revision_detail"),
    path("rondes/<slug:code>/overzicht/", views.round_overview_view, name="round_overview"),
    path("inzendingen/<int:pk>/heropenen/", views.submission_reopen_view, name="submission_reopen"),
    # Comparison of survey rounds (plans/comparison_views.py)
    path("vergelijking/", comparison_views.comparison_page, name="comparison"),
]
