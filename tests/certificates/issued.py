"""A certificate recorded straight in the database, for tests about what shows it (issuing
through the service renders and e-mails its PDF: slow, and tested in tests/certificates)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from capacita.certificates import codes
from capacita.certificates.models import Certificate

PLACEHOLDER_PDF = b"%PDF-1.4 placeholder"


def issued_certificate(programme, user, *, language="es", with_file=False, **fields):
    """`user`'s valid certificate of `programme`, in `language`; with a stored placeholder PDF
    when `with_file` (pages that link to the download need one)."""
    certificate = Certificate(
        programme=programme,
        user=user,
        code=codes.new_code(),
        holder_name=user.get_full_name(),
        language=language,
        issued_at=timezone.now(),
        **fields,
    )
    if with_file:
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(PLACEHOLDER_PDF))
    else:
        certificate.save()
    return certificate
