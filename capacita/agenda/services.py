"""Changes to a programme's agenda made outside the administration site: a speaker's or
facilitator's own slides."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from .models import AgendaItem, Slides


def add_slides(item: AgendaItem, title: str, file, actor) -> Slides:
    """Keep `file` (a PDF or PowerPoint file, checked by the model's validators) as slides of
    `item`, shown to the programme's registered people under `title`."""
    slides = Slides(item=item, title=" ".join(str(title).split()), file=file, uploaded_by=actor)
    slides.full_clean()
    with transaction.atomic():
        slides.save()
    return slides


def remove_slides(slides: Slides) -> None:
    """Take slides down: the record now, its file once the deletion is committed."""
    storage, name = slides.file.storage, slides.file.name
    with transaction.atomic():
        slides.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
