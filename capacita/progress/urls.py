from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("me/", views.my_progress, name="mine"),
    path("me/reminders/", views.reminders, name="reminders"),
    path("board/", views.board_page, name="board"),
    path("board.<str:fmt>", views.board_export, name="export"),
    path("participants/<int:user_id>/", views.participant_page, name="participant"),
]
