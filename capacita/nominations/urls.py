from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("nominations/", views.overview, name="overview"),
    path("nominations/decide/", views.decide, name="decide"),
    path("nominations/template-<str:language>.xlsx", views.template_file, name="template"),
    path("nominations/<str:code>/", views.country_list, name="country"),
    path("nominations/<str:code>/upload/", views.upload, name="upload"),
    path("nominations/<str:code>/uploads/<int:upload_id>/", views.preview, name="preview"),
    path("nominations/<str:code>/<int:pk>/edit/", views.edit, name="edit"),
    path("nominations/<str:code>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("focal-points/", views.focal_points, name="focal_points"),
    path("observers/", views.observers, name="observers"),
]
