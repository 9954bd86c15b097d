from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<int:pk>/gelezen/", views.mark_read, name="mark_read"),
    path("alles-gelezen/", views.mark_all_read, name="mark_all_read"),
]
