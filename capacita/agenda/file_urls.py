from django.urls import path

from . import views

app_name = "files"

urlpatterns = [path("<str:token>/", views.open_file, name="open")]
