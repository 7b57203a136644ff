"""The console's parts of the certificates: the programme's design (what its certificates
say, in which language) and its signatories; the design's page links to a preview of the PDF
as a holder receives it (`certificate_views`)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.certificates.models import CertificateDesign, Signatory

from .editing import Part

# What the design's text may name in braces (`certificates.pdf.PLACEHOLDER`).
KNOWN = ("programme", "dates", "hours")
_BRACED = re.compile(r"\{([^{}]*)\}")


def _placeholders_known(form, _programme) -> None:
    """A word in braces the certificate would print as typed ({programa}) is told, and so is
    a brace without its pair ({programme) or a placeholder in a title, which is not replaced."""
    for name in ("body_es", "body_en"):
        text = form.cleaned_data.get(name) or ""
        unknown = sorted({word for word in _BRACED.findall(text) if word not in KNOWN})
        if unknown:
            form.add_error(
                name,
                _(
                    "%(unknown)s is not replaced on the certificates: use {programme}, {dates} "
                    "or {hours}."
                )
                % {"unknown": ", ".join("{" + word + "}" for word in unknown)},
            )
        elif "{" in _BRACED.sub("", text) or "}" in _BRACED.sub("", text):
            form.add_error(
                name,
                _(
                    "A brace has no pair: write {programme}, {dates} or {hours} whole, each "
                    "between its two braces."
                ),
            )
    for name in ("title_es", "title_en"):
        if _BRACED.search(form.cleaned_data.get(name) or ""):
            form.add_error(
                name,
                _(
                    "The title is printed as typed: {programme}, {dates} and {hours} are "
                    "replaced only in the text."
                ),
            )


def _signatory_figures(signatory) -> list[str]:
    figures = [signatory.job_title]
    if not signatory.signature:
        figures.append(_("no image of the signature yet"))
    return figures


def _design_extra(design) -> dict:
    return {"template": "console/_certificate_preview.html", "design": design}


PARTS = (
    Part(
        key="certificate-design",
        title=gettext_lazy("certificate design"),
        singular=gettext_lazy("certificate design"),
        model=CertificateDesign,
        fields=("languages", "title_es", "title_en", "body_es", "body_en", "hours"),
        scope=lambda programme: CertificateDesign.objects.filter(programme=programme),
        order=None,
        single=True,
        step="certificates",
        check=_placeholders_known,
        extra=_design_extra,
        list_extra="console/_certificate_preview.html",
        help=gettext_lazy(
            "What the programme's certificates say and in which language. Without a design of "
            "its own, a programme's certificates use the one offered below."
        ),
    ),
    Part(
        key="signatories",
        title=gettext_lazy("signatories"),
        singular=gettext_lazy("signatory"),
        model=Signatory,
        fields=(
            "name",
            "job_title_es",
            "job_title_en",
            "organisation_es",
            "organisation_en",
            "signature",
        ),
        scope=lambda programme: Signatory.objects.filter(programme=programme),
        step="certificates",
        figures=_signatory_figures,
        help=gettext_lazy(
            "Who signs the certificates, in this order, with the image of their signature. "
            "Certificates already issued keep the signatures they were issued with."
        ),
    ),
)
