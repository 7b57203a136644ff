"""The certificate PDF: one A4 landscape page, rendered by WeasyPrint from a Django template.

`render_certificates` renders many certificates of one programme, loading and preparing once
what they share (design, signatories, organisers, the parsed style sheet, the fonts, the
compiled template, the images) so that the work per certificate is WeasyPrint's own.

Nothing is fetched from the network: the URL fetcher (`capacita.shared.pdf`) serves only the
vendored fonts and `data:` URLs, as which the logos and signatures are given.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import segno
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from capacita.shared.formats import day
from capacita.shared.pdf import LocalURLFetcher, font_faces, image_url

from .models import Certificate, CertificateDesign, Signatory

STYLE_SHEET = Path(__file__).resolve().parent / "templates" / "certificates" / "certificate.css"
TEMPLATE = "certificates/certificate.html"

# Day-month-year in each language's own order. Django's month names are translated by Django.
DATE_FORMATS = {
    "es": {"day": "j", "day_month": r"j \d\e F", "full": r"j \d\e F \d\e Y"},
    "en": {"day": "j", "day_month": "j F", "full": "j F Y"},
}
LANGUAGES = {"es": ["es"], "en": ["en"], "both": ["es", "en"]}

# Only these are replaced in a design's text; anything else in braces stays as written.
PLACEHOLDER = re.compile(r"\{(programme|dates|hours)\}")

# Ever smaller type (and tighter spacing) for a page that would not fit at the larger size.
DENSITIES = (0, 1, 2)


def certificate_hours(programme, design) -> int:
    """The design's hours when set, else the scheduled hours of the programme's virtual
    sessions, rounded to the nearest whole hour (half up)."""
    if design.hours is not None:
        return design.hours
    total = sum(
        (session.ends_at - session.starts_at for session in programme.sessions.all()),
        datetime.timedelta(),
    )
    return int(total / datetime.timedelta(hours=1) + 0.5)


# The preview's holder and code: plainly a sample, and a code no certificate has (every real
# code comes from `codes.new_code`; this one verifies nothing).
SAMPLE_HOLDER = "Nombre Apellido de Ejemplo"
SAMPLE_CODE = "0" * 16

# Across the preview's page, so that it can never pass for a certificate: a mark drawn over
# the page by a style sheet of the preview's own (the certificate's template and style sheet
# are those of every certificate).
PREVIEW_MARK_STYLE = """
body::after {
  content: "%(mark)s";
  white-space: pre;
  position: fixed;
  top: 38%%;
  left: 0;
  right: 0;
  text-align: center;
  font-family: "Capacita Liberation Sans", sans-serif;
  font-weight: bold;
  font-size: 40pt;
  line-height: 1.2;
  letter-spacing: 2pt;
  color: rgba(190, 30, 45, 0.28);
  transform: rotate(-14deg);
}
"""


def preview_mark(language: str) -> str:
    """The words across a preview in `language` ("es", "en" or "both"), a line a language."""
    lines = []
    for each in LANGUAGES[language]:
        with translation.override(each):
            lines.append(gettext("SAMPLE · NOT A CERTIFICATE"))
    return "\n".join(lines)


def _css_string(text: str) -> str:
    """`text` as the inside of a CSS string: quotes and backslashes escaped, lines as \\A."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\A ")


def preview_certificate(programme, language: str, user) -> bytes:
    """The PDF a holder would receive from the programme's design and signatories as they are
    now, in `language` ("es", "en" or "both"), for a sample holder, through the certificates'
    own renderer, with "SAMPLE · NOT A CERTIFICATE" across the page and a code that verifies
    nothing. Nothing is saved: the sample certificate is never stored."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown certificate language {language!r}")
    sample = Certificate(
        programme=programme,
        user=user,
        code=SAMPLE_CODE,
        holder_name=SAMPLE_HOLDER,
        language=language,
        issued_at=timezone.now(),
    )
    renderer = _Renderer(programme)
    renderer.stylesheet = CSS(
        string=font_faces()
        + STYLE_SHEET.read_text(encoding="utf-8")
        + PREVIEW_MARK_STYLE % {"mark": _css_string(preview_mark(language))},
        url_fetcher=renderer.fetcher,
        font_config=renderer.font_config,
    )
    return renderer.render(sample)


def render_certificate(certificate) -> bytes:
    """The PDF of one certificate."""
    _certificate, pdf = next(render_certificates([certificate]))
    return pdf


def render_certificates(certificates: Iterable[Certificate]) -> Iterator[tuple[Certificate, bytes]]:
    """The PDFs of many certificates of one programme, in the order given.

    Pass certificates with `user` and `programme` loaded (`select_related`): the design,
    signatories, organisers and sessions are read once, whatever the number of certificates.
    Raises ValueError when the certificates belong to different programmes.
    """
    renderer = None
    for certificate in certificates:
        if renderer is None:
            renderer = _Renderer(certificate.programme)
        elif certificate.programme_id != renderer.programme.pk:
            raise ValueError("render_certificates takes the certificates of one programme")
        yield certificate, renderer.render(certificate)


def programme_dates(programme, language: str) -> str:
    """The programme's dates as a phrase of `language`: "from 26 to 29 October 2021",
    "del 26 al 29 de octubre de 2021" (once the catalogue translates the connecting words)."""
    start, end = programme.start_date, programme.end_date
    formats = DATE_FORMATS[language]
    with translation.override(language):
        if start == end:
            return gettext("on %(date)s") % {"date": format_date(end, formats["full"])}
        if (start.year, start.month) == (end.year, end.month):
            start_format = formats["day"]
        elif start.year == end.year:
            start_format = formats["day_month"]
        else:
            start_format = formats["full"]
        return gettext("from %(start)s to %(end)s") % {
            "start": format_date(start, start_format),
            "end": format_date(end, formats["full"]),
        }


def fill_placeholders(text: str, values: dict[str, object]) -> str:
    """`text` with {programme}, {dates} and {hours} replaced. Unlike str.format_map, unknown
    placeholders and stray braces stay as written, and no attribute or index is looked up."""
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), text)


def name_size(name: str) -> float:
    """The holder's name in points: smaller for longer names, so that they fit on one or
    two lines of the page (a name is never cut)."""
    length = len(name)
    if length <= 30:
        return 30
    if length <= 42:
        return 26
    if length <= 56:
        return 22
    if length <= 75:
        return 19
    if length <= 110:
        return 16
    return 13


class _Renderer:
    """What the certificates of one programme share, prepared once."""

    def __init__(self, programme):
        self.programme = programme
        # A programme without a saved design gets the model's defaults (no row is created).
        design = CertificateDesign.objects.filter(programme=programme).first()
        self.design = design or CertificateDesign(programme=programme)
        self.signatories = list(Signatory.objects.filter(programme=programme))
        self.organisers = list(programme.organisers.all())
        self.hours = certificate_hours(programme, self.design)
        self.template = get_template(TEMPLATE)
        self.font_config = FontConfiguration()
        self.fetcher = LocalURLFetcher()
        self.stylesheet = CSS(
            string=font_faces() + STYLE_SHEET.read_text(encoding="utf-8"),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )
        # WeasyPrint's image cache, keyed by URL: each logo and signature is read and
        # decoded once for all the certificates.
        self.image_cache: dict = {}
        self.logos = {organiser.pk: image_url(organiser.logo) for organiser in self.organisers}
        self.signatures = {
            signatory.pk: image_url(signatory.signature) for signatory in self.signatories
        }
        self._shared: dict[str, dict] = {}

    def render(self, certificate) -> bytes:
        languages = LANGUAGES.get(certificate.language)
        if languages is None:
            raise ValueError(f"unknown certificate language {certificate.language!r}")
        address = certificate.verification_address()
        issued_on = timezone.localtime(certificate.issued_at, self.programme.zone).date()
        texts = []
        for language, shared in zip(languages, self.shared(certificate.language), strict=True):
            with translation.override(language):
                texts.append(
                    {
                        **shared,
                        "issued": gettext("Issued on %(date)s") % {"date": day(issued_on)},
                        "verify": gettext("Verify at %(address)s") % {"address": address},
                    }
                )
        context = {
            "language": languages[0],
            "texts": texts,
            "primary": texts[0],
            "secondary": texts[1:],
            "holder_name": certificate.holder_name,
            "name_size": name_size(certificate.holder_name),
            "code": certificate.formatted_code,
            "qr": qr_svg(address),
            "organisers": self.organiser_blocks(languages),
            "signatories": self.signatory_blocks(languages),
        }
        for density in DENSITIES:
            html = self.template.render({**context, "density": density})
            document = HTML(string=html, url_fetcher=self.fetcher).render(
                font_config=self.font_config,
                stylesheets=[self.stylesheet],
                cache=self.image_cache,
            )
            if len(document.pages) == 1:
                break
        return document.write_pdf(cache=self.image_cache)

    def shared(self, mode: str) -> list[dict]:
        """The texts every certificate in `mode` ("es", "en", "both") shares, per language."""
        if mode not in self._shared:
            self._shared[mode] = [self.texts(language) for language in LANGUAGES[mode]]
        return self._shared[mode]

    def texts(self, language: str) -> dict:
        with translation.override(language):
            body = fill_placeholders(
                self.design.in_language("body", language),
                {
                    "programme": self.programme.in_language("title", language),
                    "dates": programme_dates(self.programme, language),
                    "hours": self.hours,
                },
            )
            return {
                "lang": language,
                "title": self.design.in_language("title", language),
                "awarded_to": gettext("awarded to"),
                "body": body,
                "code_label": gettext("Verification code"),
            }

    def organiser_blocks(self, languages: list[str]) -> list[dict]:
        return [
            {
                "logo": self.logos[organiser.pk],
                "name": organiser.in_language("name", languages[0]),
                "acronym": organiser.in_language("acronym", languages[0]),
            }
            for organiser in self.organisers
        ]

    def signatory_blocks(self, languages: list[str]) -> list[dict]:
        return [
            {
                "name": signatory.name,
                "signature": self.signatures[signatory.pk],
                "lines": [
                    {
                        "lang": language,
                        "job_title": signatory.in_language("job_title", language),
                        "organisation": signatory.in_language("organisation", language),
                    }
                    for language in languages
                ],
            }
            for signatory in self.signatories
        ]


def qr_svg(address: str) -> str:
    """The QR code of `address` as inline SVG, sized by the style sheet."""
    qr = segno.make_qr(address, error="q")
    return mark_safe(qr.svg_inline(border=0, omitsize=True, dark="#111111"))  # noqa: S308
