from django.urls import path, re_path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/<int:pk>/", views.job, name="job"),
    # Named as a file, with its kind's extension: clients (and the site's own checks) know a
    # download by it.
    re_path(
        r"^jobs/(?P<pk>[0-9]+)/file\.(?P<ext>pdf|xlsx|csv|zip)$", views.download, name="download"
    ),
    path("jobs/<slug:kind>/", views.start, name="start"),
]
