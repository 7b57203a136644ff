from django.urls import path

from . import assessment_views as views

# The pages of a group's assessment of the session's case (the case and the catalogue of
# factors are `capacita.case_study`'s); their names keep the case study's namespace.
app_name = "case_study"

ASSESSMENT = "sessions/<int:number>/groups/<int:group_id>/assessment/"

urlpatterns = [
    path(ASSESSMENT, views.assessment, name="assessment"),
    path(f"{ASSESSMENT}factors/", views.add_factor, name="add_factor"),
    path(f"{ASSESSMENT}factors/<int:factor_id>/remove/", views.remove_factor, name="remove_factor"),
    path(f"{ASSESSMENT}conclusions/", views.conclusions, name="conclusions"),
]
