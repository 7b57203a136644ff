"""Reading the reports' PDFs in tests: their text page by page, their pages as images."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from pypdf import PdfReader

PROGRAMME = "/en/programmes/crm-2021"


def downloaded(client, path: str) -> bytes:
    response = client.get(PROGRAMME + path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/pdf"
    return response.content


def page_texts(data: bytes) -> list[str]:
    """Each page's text, its whitespace collapsed to single spaces."""
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_images(data: bytes, scale: float = 2):
    """Each page drawn as an RGB image (pdfium), `scale` pixels per point."""
    document = pdfium.PdfDocument(data)
    try:
        return [
            document[index].render(scale=scale).to_pil().convert("RGB")
            for index in range(len(document))
        ]
    finally:
        document.close()


def hex_colour(value: str) -> tuple[int, int, int]:
    value = value.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(2 * c for c in value)
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def pixels_of(images, colour: tuple[int, int, int], tolerance: int = 3) -> int:
    """How many pixels of the images are `colour` (each channel within `tolerance`)."""
    total = 0
    for image in images:
        for count, pixel in image.getcolors(maxcolors=1 << 24):
            if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)):
                total += count
    return total
