from django.urls import path, re_path

from . import (
    countries_views,
    edition_views,
    lockout_views,
    people_views,
    settings_views,
    views,
)

app_name = "console"

urlpatterns = [
    path("manage/", views.home, name="home"),
    path("manage/settings/", settings_views.settings_page, name="settings"),
    path("manage/people/", people_views.people_page, name="people"),
    path("manage/countries/", countries_views.countries_page, name="countries"),
    path("manage/people/<int:pk>/link/", people_views.link, name="link_person"),
    re_path(r"^manage/tests/(?P<kind>pre|post)/window/$", views.test_window, name="test_window"),
    path("manage/new-edition/", edition_views.new_edition_page, name="new_edition"),
    path("manage/lockouts/", lockout_views.lockouts, name="lockouts"),
    path("manage/lockouts/<int:user_id>/lift/", lockout_views.lift_lockout, name="lift_lockout"),
]
