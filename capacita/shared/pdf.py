"""What every PDF the platform renders with WeasyPrint shares: the vendored fonts, a URL
fetcher that reads nothing but them and `data:` URLs, and uploaded images given as `data:`
URLs.

Nothing is fetched from the network, and no document can embed a stored file by its
address: images are read through the storage (`image_url`), whatever it is.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from PIL import Image
from weasyprint import URLFetcher

from capacita.shared import uploads

# The Liberation fonts (their licence beside them): the same letters on every server,
# whatever fonts it has.
FONTS_DIR = Path(__file__).resolve().parent / "fonts"

FONT_FACES = [
    ("Capacita Liberation Serif", "normal", "normal", "LiberationSerif-Regular.ttf"),
    ("Capacita Liberation Serif", "bold", "normal", "LiberationSerif-Bold.ttf"),
    ("Capacita Liberation Serif", "normal", "italic", "LiberationSerif-Italic.ttf"),
    ("Capacita Liberation Sans", "normal", "normal", "LiberationSans-Regular.ttf"),
    ("Capacita Liberation Sans", "bold", "normal", "LiberationSans-Bold.ttf"),
]

# The image kinds WeasyPrint draws that `uploads` tells by their first bytes, as MIME types.
DRAWN_IMAGE_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


class URLRefused(ValueError):
    """A document asked for a resource other than the fonts or a `data:` URL."""


class LocalURLFetcher(URLFetcher):
    """Serves `data:` URLs and `file://` URLs inside the fonts folder; refuses everything else:
    the network, and every other file — the private uploads included (images are given as
    `data:` URLs read through the storage, `image_url`), so that no document can embed
    another person's file by its address."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to(FONTS_DIR):
                return super().fetch(url, headers)
        raise URLRefused(f"the document may not load {url}")


def font_faces() -> str:
    """The @font-face rules of FONT_FACES, for a style sheet read with LocalURLFetcher."""
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style};'
        f' src: url("{(FONTS_DIR / filename).as_uri()}"); }}\n'
        for family, weight, style, filename in FONT_FACES
    )


def image_type(data: bytes) -> str | None:
    """The MIME type of an image's bytes, or None when they are no image WeasyPrint draws."""
    mime_type = DRAWN_IMAGE_TYPES.get(uploads.signature_kind(data))
    if mime_type is not None:
        return mime_type
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in head:
        return "image/svg+xml"
    # Whatever else an ImageField accepted (BMP, TIFF, …) is what Pillow reads, as WeasyPrint.
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.get_format_mimetype()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def image_url(field) -> str | None:
    """A `data:` URL of an uploaded image, read through its storage (a local folder or an
    object store alike), or None when there is none, its file is missing or it is no image
    (the document then shows something else, such as the organiser's name)."""
    if not field:
        return None
    try:
        with field.storage.open(field.name, "rb") as file:
            data = file.read()
    except OSError:
        return None
    mime_type = image_type(data)
    if mime_type is None:
        return None
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"
