from django.urls import path, re_path

from . import (
    certificate_views,
    countries_views,
    editing_views,
    edition_views,
    lockout_views,
    people_views,
    settings_views,
    tests_views,
    views,
)
from .parts import PARTS

app_name = "console"

# The parts' addresses name only the parts there are: any other word is not found.
_KEYS = "|".join(sorted(PARTS))
_PARENTS = "|".join(sorted({part.parent for part in PARTS.values() if part.parent}))

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
    path(
        "manage/tests/copy-knowledge/",
        tests_views.copy_knowledge_questions,
        name="copy_knowledge",
    ),
    path(
        "manage/certificates/preview.pdf",
        certificate_views.certificate_preview,
        name="certificate_preview",
    ),
    re_path(rf"^manage/(?P<key>{_KEYS})/$", editing_views.part_list, name="part"),
    re_path(
        rf"^manage/(?P<parent_key>{_PARENTS})/(?P<parent>[0-9]+)/(?P<key>{_KEYS})/$",
        editing_views.part_list,
        name="nested_part",
    ),
    re_path(
        rf"^manage/(?P<key>{_KEYS})/(?P<pk>[0-9]+)/$", editing_views.part_item, name="part_item"
    ),
    re_path(
        rf"^manage/(?P<key>{_KEYS})/(?P<pk>[0-9]+)/move/$",
        editing_views.part_move,
        name="part_move",
    ),
    re_path(
        rf"^manage/(?P<key>{_KEYS})/(?P<pk>[0-9]+)/remove/$",
        editing_views.part_remove,
        name="part_remove",
    ),
]
