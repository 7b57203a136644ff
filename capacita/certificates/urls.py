from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificate.pdf", views.my_certificate, name="mine"),
    path("certificates/", views.overview, name="overview"),
    path("certificates.zip", views.archive, name="archive"),
    path("certificates/issue/", views.issue_all, name="issue_all"),
    path("certificates/by-hand/", views.issue_one, name="issue_one"),
    path("certificates/<int:pk>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/<int:pk>/reissue/", views.reissue, name="reissue"),
]
