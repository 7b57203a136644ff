"""Fields that a model's own `save` leaves as they are once its row exists: each is written by
a statement of its own (counts kept as answers change, a stamp moved on), which a copy read
earlier and saved later would otherwise put back."""

from __future__ import annotations


def leaving(instance, names, kwargs: dict) -> dict:
    """`save`'s keyword arguments for `instance`, naming every field but `names` to write when
    the row exists and the caller named none."""
    if not instance._state.adding and kwargs.get("update_fields") is None:
        kwargs["update_fields"] = [
            field.name
            for field in instance._meta.concrete_fields
            if not field.primary_key and field.name not in names
        ]
    return kwargs
