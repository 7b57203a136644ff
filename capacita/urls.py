from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from capacita import views
from capacita.accounts.login import following_language
from capacita.api import views as api_views
from capacita.api.api import api

admin.site.site_header = "Capacita"
admin.site.site_title = "Capacita"
# After signing in there, a person lands on the administration in their own language.
admin.site.login = following_language(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("home/", views.my_home, name="my_home"),
    path("programmes/", include("capacita.agenda.programme_urls")),
    path("programmes/<slug:slug>/", include("capacita.nominations.urls")),
    path("programmes/<slug:slug>/", include("capacita.attendance.urls")),
    path("programmes/<slug:slug>/", include("capacita.completions.urls")),
    path("programmes/<slug:slug>/", include("capacita.progress.urls")),
    path("programmes/<slug:slug>/", include("capacita.evaluation.urls")),
    path("programmes/<slug:slug>/", include("capacita.agenda.urls")),
    path("programmes/<slug:slug>/", include("capacita.certificates.urls")),
    path("programmes/<slug:slug>/", include("capacita.groupwork.urls")),
    path("programmes/<slug:slug>/", include("capacita.groupwork.assessment_urls")),
    path("programmes/<slug:slug>/", include("capacita.reports.urls")),
    path("programmes/<slug:slug>/", include("capacita.reports.audit_log.urls")),
    path("programmes/<slug:slug>/", include("capacita.privacy.urls")),
    path("programmes/<slug:slug>/", include("capacita.console.urls")),
    path("programmes/<slug:slug>/", include("capacita.jobs.urls")),
    path("files/", include("capacita.agenda.file_urls")),
    path("verify/", include("capacita.certificates.verification_urls")),
    path("accounts/tokens/", include("capacita.access_tokens.urls")),
    path("accounts/", include("capacita.accounts.urls")),
    path("api/v1/reference/", api_views.reference, name="api_reference"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "capacita.views.bad_request"
handler403 = "capacita.views.permission_denied"
handler404 = "capacita.views.page_not_found"
handler500 = "capacita.views.server_error"
