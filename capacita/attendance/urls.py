from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("attendance/", views.overview, name="overview"),
    path("sessions/<int:number>/attendance/", views.session, name="session"),
    path("sessions/<int:number>/attendance/upload/", views.upload, name="upload"),
    path("sessions/<int:number>/attendance/match/", views.match, name="match"),
    path("sessions/<int:number>/attendance/mark/", views.mark, name="mark"),
    path("sessions/<int:number>/attendance/unmark/", views.unmark, name="unmark"),
    path("sessions/<int:number>/attendance/unmatch/", views.unmatch, name="unmatch"),
    path(
        "sessions/<int:number>/attendance/reports/<int:report_id>/remove/",
        views.remove_report,
        name="remove_report",
    ),
]
