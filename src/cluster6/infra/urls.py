app_name = "infra"
urlpatterns: list[object] = []
