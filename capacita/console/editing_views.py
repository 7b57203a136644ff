"""The pages of the console's parts (`editing.Part`): a list with a form to add an item, an
item's page to change it (with the lists that belong to it), a confirmation to remove it, and
up and down buttons. Every page works in the programme's own time zone."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.shared.access import guarded as _guarded
from capacita.shared.zones import zone_name

from .editing import Part, form_class
from .menu import console_menu
from .parts import PARTS, children_of
from .services import EditError, move_item, next_place, remove_item, save_item
from .views import managed


def _part(key: str) -> Part:
    try:
        return PARTS[key]
    except KeyError:
        raise Http404 from None


def list_url(part: Part, programme, parent=None) -> str:
    if part.parent:
        return reverse(
            "console:nested_part", args=[programme.slug, part.parent, parent.pk, part.key]
        )
    return reverse("console:part", args=[programme.slug, part.key])


def item_url(part: Part, programme, item) -> str:
    return reverse("console:part_item", args=[programme.slug, part.key, item.pk])


def _trail(part: Part, programme, parent) -> list[tuple[str, str]]:
    """The links above a page: the console, then each parent list and item up to this part."""
    trail = []
    while part.parent and parent is not None:
        above = PARTS[part.parent]
        trail[:0] = [
            (capfirst(str(above.title)), list_url(above, programme, above.parent_of(parent))),
            (above.label(parent), item_url(above, programme, parent)),
        ]
        part, parent = above, above.parent_of(parent)
    return [(_("Console"), reverse("console:home", args=[programme.slug])), *trail]


def _more(part: Part, item) -> dict | None:
    """What the item's page shows beyond its form (the part's `extra`)."""
    shown = part.extra
    return shown(item) if shown else None


def _page(request, programme, template, context, status=200):
    return render(
        request,
        template,
        {
            "programme": programme,
            "menu": console_menu(programme),
            "zone": zone_name(programme.time_zone),
            **context,
        },
        status=status,
    )


@_guarded
def part_list(request, slug, key, parent_key=None, parent=None):
    programme = managed(request, slug)
    part = _part(key)
    if part.parent != parent_key:
        raise Http404
    parent_item = None
    if part.parent:
        parent_item = get_object_or_404(PARTS[part.parent].scope(programme), pk=parent)
    with timezone.override(programme.time_zone):
        form = None
        status = 200
        if part.can_add(programme, parent_item):
            instance = part.model()
            part.attach(instance, programme, parent_item)
            if part.order:
                setattr(instance, part.order, next_place(part, programme, parent_item))
            initial = part.initial(programme, parent_item) if part.initial else None
            form = form_class(part, programme)(
                request.POST or None, request.FILES or None, instance=instance, initial=initial
            )
            if request.method == "POST":
                if form.is_valid():
                    try:
                        item = save_item(part, form, programme, request.user)
                    except EditError as error:
                        form.add_error(None, error.message)
                    else:
                        messages.success(request, _("“%(item)s” is added.") % {"item": item})
                        return redirect(list_url(part, programme, parent_item))
                status = 400
        elif request.method == "POST":
            raise Http404
        items = list(part.siblings(programme, parent_item))
        rows = [
            (part.label(item), item_url(part, programme, item), part.figures(item), item.pk)
            for item in items
        ]
        return _page(
            request,
            programme,
            "console/part_list.html",
            {
                "part": part,
                "parent": parent_item,
                "parent_label": PARTS[part.parent].label(parent_item) if parent_item else "",
                "rows": rows,
                "form": form,
                "trail": _trail(part, programme, parent_item),
                "action": request.path,
            },
            status,
        )


@_guarded
def part_item(request, slug, key, pk):
    programme = managed(request, slug)
    part = _part(key)
    item = get_object_or_404(part.scope(programme), pk=pk)
    parent = part.parent_of(item)
    with timezone.override(programme.time_zone):
        form = form_class(part, programme)(
            request.POST or None, request.FILES or None, instance=item
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    saved = save_item(part, form, programme, request.user)
                except EditError as error:
                    form.add_error(None, error.message)
                else:
                    if form.changed_data:
                        messages.success(request, _("“%(item)s” is saved.") % {"item": saved})
                    else:
                        messages.info(request, _("Nothing was changed."))
                    return redirect(item_url(part, programme, saved))
            status = 400
        children = [
            (
                capfirst(str(child.title)),
                list_url(child, programme, item),
                child.siblings(programme, item).count(),
            )
            for child in children_of(part)
        ]
        return _page(
            request,
            programme,
            "console/part_item.html",
            {
                "part": part,
                "item": item,
                "label": part.label(item),
                "form": form,
                "children": children,
                "extra": _more(part, item),
                "trail": [
                    *_trail(part, programme, parent),
                    (capfirst(str(part.title)), list_url(part, programme, parent)),
                ],
                "back": list_url(part, programme, parent),
            },
            status,
        )


@_guarded
@require_POST
def part_move(request, slug, key, pk):
    programme = managed(request, slug)
    part = _part(key)
    item = get_object_or_404(part.scope(programme), pk=pk)
    if not move_item(part, item, request.POST.get("direction", ""), programme, request.user):
        messages.info(request, _("Nothing was changed."))
    return redirect(list_url(part, programme, part.parent_of(item)) + f"#item-{item.pk}")


@_guarded
def part_remove(request, slug, key, pk):
    programme = managed(request, slug)
    part = _part(key)
    if not part.addable:
        raise Http404
    item = get_object_or_404(part.scope(programme), pk=pk)
    parent = part.parent_of(item)
    reason = part.blocked(item)
    if request.method == "POST" and not reason:
        try:
            remove_item(part, item, programme, request.user)
        except EditError as error:
            reason = error.message
        else:
            messages.success(request, _("“%(item)s” is removed.") % {"item": item})
            return redirect(list_url(part, programme, parent))
    return _page(
        request,
        programme,
        "console/part_remove.html",
        {
            "part": part,
            "item": item,
            "label": part.label(item),
            "reason": reason,
            "children": [
                (capfirst(str(child.title)), child.siblings(programme, item).count())
                for child in children_of(part)
            ],
            "trail": [
                *_trail(part, programme, parent),
                (capfirst(str(part.title)), list_url(part, programme, parent)),
            ],
            "back": item_url(part, programme, item),
        },
        400 if reason and request.method == "POST" else 200,
    )
