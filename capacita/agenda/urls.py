from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("sessions/<int:number>/recording/", views.recording, name="recording"),
    path("slides/<int:pk>/", views.slides, name="slides"),
    path("slides/<int:pk>/remove/", views.remove_slides, name="remove_slides"),
    path("my-items/", views.my_items, name="my_items"),
    path("my-items/<int:item_id>/slides/", views.add_slides, name="add_slides"),
]
