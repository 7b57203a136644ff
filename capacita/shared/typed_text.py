"""Comparing what people type: "José", "JOSE" and "jose" are one name, "Dirección" and
"direccion" one heading."""

from __future__ import annotations

import unicodedata


def without_accents(text: str) -> str:
    """`text` with its accents and other combining marks taken off ("Peña" → "Pena")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded(text: str) -> str:
    """`text` without accents or case, for searching and sorting."""
    return without_accents(text).casefold()
