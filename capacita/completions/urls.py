from django.urls import path

from . import views

app_name = "completions"

urlpatterns = [
    path("courses/", views.overview, name="overview"),
    path("courses/moodle-users.csv", views.moodle_users, name="moodle_users"),
    path("courses/<slug:code>/", views.course, name="course"),
    path("courses/<slug:code>/upload/", views.upload, name="upload"),
    path("courses/<slug:code>/mark/", views.mark, name="mark"),
    path("courses/<slug:code>/unmark/", views.unmark, name="unmark"),
]
