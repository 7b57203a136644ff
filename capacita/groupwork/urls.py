from django.urls import path

from . import views

app_name = "groupwork"

urlpatterns = [
    path("sessions/<int:number>/group/", views.my_group, name="mine"),
    path("sessions/<int:number>/groups/", views.organise, name="organise"),
    path("sessions/<int:number>/groups/assign/", views.assign, name="assign"),
    path("sessions/<int:number>/groups/place/", views.place, name="place"),
    path("sessions/<int:number>/groups/<int:group_id>/", views.group_page, name="group"),
    path(
        "sessions/<int:number>/groups/<int:group_id>/questions/<int:question_id>/",
        views.save_answer,
        name="save_answer",
    ),
    path("sessions/<int:number>/plenary/", views.plenary, name="plenary"),
    path("sessions/<int:number>/plenary.pdf", views.plenary_pdf, name="plenary_pdf"),
    path("sessions/<int:number>/plenary/toggle/", views.toggle_plenary, name="toggle_plenary"),
]
