from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("sessions/<int:number>/recording/", views.recording, name="recording"),
    path("slides/<int:pk>/", views.slides, name="slides"),
]
