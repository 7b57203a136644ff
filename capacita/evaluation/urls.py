from django.urls import re_path

from . import views

app_name = "evaluation"

urlpatterns = [
    re_path(r"^tests/(?P<kind>pre|post)/$", views.answer, name="answer"),
]
