"""Saving, moving and removing the items of a programme's parts (`editing.Part`): each change
in one transaction with its audit record (what part, which item, what changed)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from capacita.agenda.models import VirtualSession
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.programmes.events import progress_changed
from capacita.programmes.models import Course
from capacita.shared.errors import UserError

from .editing import Part

# A place no item takes, held by the item that moves while its neighbour takes its place
# (places are unique among siblings).
_PASSING = 32_000


class EditError(UserError):
    """A change that cannot be made; `message` says why in the active language."""


def _record(actor, programme, part: Part, item, change: str, fields=()):
    details = {"part": part.key, "item": str(item)[:200], "change": change}
    if fields:
        details["fields"] = list(fields)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.PROGRAMME_EDITED,
        subject=programme,
        programme=programme,
        details=details,
    )


def _counts_for_the_rule(item) -> bool:
    """A session or a course: adding, changing or removing one changes who meets the rule."""
    return isinstance(item, (VirtualSession, Course))


def next_place(part: Part, programme, parent) -> int:
    if not part.order:
        return 0
    highest = part.siblings(programme, parent).aggregate(top=Max(part.order))["top"]
    return 1 if highest is None else highest + 1


def save_item(part: Part, form, programme, actor):
    """Save a valid form of `part` (a new item or a change), with its record. Returns the item,
    or raises EditError, saving nothing, when the database refuses it (another manager took
    the same code or place meanwhile)."""
    item = form.instance
    created = item.pk is None
    changed = [name for name in form.changed_data if name in part.fields]
    if not created and not changed:
        return item
    try:
        with transaction.atomic():
            form.save()
            if part.after_save is not None:
                part.after_save(item, changed)
            if _counts_for_the_rule(item):
                progress_changed(programme)
            _record(actor, programme, part, item, "added" if created else "changed", changed)
    except IntegrityError as error:
        raise EditError(
            _("This could not be saved: another item of the list has the same code or place.")
        ) from error
    return item


def move_item(part: Part, item, direction: str, programme, actor) -> bool:
    """Move `item` one place up or down among its siblings; False when it is already first or
    last."""
    if not part.order or direction not in ("up", "down"):
        return False
    with transaction.atomic():
        # The siblings bare (no counts or related rows, which locking refuses on PostgreSQL).
        siblings = part.scope(programme)
        if part.parent:
            siblings = siblings.filter(**{part.parent_field: part.parent_of(item)})
        siblings = siblings.select_for_update()
        place = getattr(item, part.order)
        if direction == "up":
            neighbour = (
                siblings.filter(**{f"{part.order}__lt": place}).order_by(f"-{part.order}").first()
            )
        else:
            neighbour = siblings.filter(**{f"{part.order}__gt": place}).order_by(part.order).first()
        if neighbour is None:
            return False
        other = getattr(neighbour, part.order)
        model = type(item)
        model.objects.filter(pk=item.pk).update(**{part.order: _PASSING})
        model.objects.filter(pk=neighbour.pk).update(**{part.order: place})
        model.objects.filter(pk=item.pk).update(**{part.order: other})
        setattr(item, part.order, other)
        _record(actor, programme, part, item, f"moved {direction}")
    return True


def remove_item(part: Part, item, programme, actor) -> None:
    """Remove `item` and what belongs only to it; raises EditError, removing nothing, when
    something recorded depends on it (answers, attendance, certificates)."""
    reason = part.blocked(item)
    if reason:
        raise EditError(reason)
    label = str(item)
    try:
        with transaction.atomic():
            item.delete()
            if _counts_for_the_rule(item):
                progress_changed(programme)
            _record(actor, programme, part, label, "removed")
    except ProtectedError as error:
        raise EditError(
            _("%(item)s cannot be removed: records of the programme depend on it.")
            % {"item": label}
        ) from error
