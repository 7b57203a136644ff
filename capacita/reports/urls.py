from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.countries, name="countries"),
    path("reports/<str:code>/", views.country_report, name="country"),
    re_path(
        r"^reports/(?P<code>[A-Za-z]{2})\.(?P<fmt>pdf|xlsx)$",
        views.country_document,
        name="country_document",
    ),
    path("balance/", views.balance, name="balance"),
    re_path(r"^balance\.(?P<fmt>pdf|xlsx)$", views.balance_document, name="balance_document"),
    path("balance/narrative/", views.narrative, name="narrative"),
]
