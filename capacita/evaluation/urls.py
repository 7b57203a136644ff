from django.urls import path, re_path

from . import views

app_name = "evaluation"

urlpatterns = [
    re_path(r"^tests/(?P<kind>pre|post)/$", views.answer, name="answer"),
    path("tests/report/", views.report, name="report"),
    path("tests/report.xlsx", views.report_workbook_download, name="report_xlsx"),
    re_path(
        r"^tests/(?P<kind>pre|post)/responses/(?P<user_id>[0-9]+)/$",
        views.participant_answers,
        name="response",
    ),
]
