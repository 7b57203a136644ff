from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/data.json", views.my_data, name="my_data"),
    path("me/removal/", views.request_removal, name="request_removal"),
    path("personal-data/", views.overview, name="overview"),
    path("personal-data/retention/", views.retention, name="retention"),
    path("personal-data/anonymise-person/", views.anonymise_person, name="anonymise_person"),
    path(
        "personal-data/anonymise-programme/",
        views.anonymise_programme,
        name="anonymise_programme",
    ),
]
