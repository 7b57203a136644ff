from django.urls import path, re_path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.events, name="events"),
    re_path(r"^audit\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
