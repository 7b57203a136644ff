"""A preview of the programme's certificate as a holder receives it, for its managers."""

from django.http import HttpResponse

from capacita.certificates.pdf import preview_certificate
from capacita.shared.access import guarded as _guarded

from .views import managed

LANGUAGES = ("es", "en", "both")


@_guarded
def certificate_preview(request, slug):
    programme = managed(request, slug)
    language = request.GET.get("language", "")
    if language not in LANGUAGES:
        language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in LANGUAGES else "es"
    response = HttpResponse(
        preview_certificate(programme, language, request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="preview-{programme.slug}-{language}.pdf"'
    return response
