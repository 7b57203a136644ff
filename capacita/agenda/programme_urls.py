from django.urls import path

from . import programme_views as views

# The programmes' list and each programme's public page (its agenda) and calendar file.
app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.programme_calendar_file, name="calendar"),
]
