from django.urls import path, re_path

from . import edition_views, views

app_name = "console"

urlpatterns = [
    path("manage/", views.home, name="home"),
    re_path(r"^manage/tests/(?P<kind>pre|post)/window/$", views.test_window, name="test_window"),
    path("manage/new-edition/", edition_views.new_edition_page, name="new_edition"),
]
