"""Every model holding personal data is declared (`capacita/<app>/personal_data.py`), and every
field of a declared model is placed, personal or not, so that the download of one's data and
anonymisation cannot miss what a new model or field holds.

A model must be declared when it is the account model, links to an account (a foreign key,
one-to-one or many-to-many to the user model), links to a record that is itself someone's
(a model declared with a `person`), or holds personal text: an e-mail or network address, or
a text whose name says it holds a name, an address, a note, a message, a reason or an answer.
Texts written in each language (`title_es`, `title_en`) are the programme's content, not
anyone's own words, and are not looked at by name.
"""

from __future__ import annotations

import dataclasses

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.models import Signatory
from capacita.evaluation.models import Answer
from capacita.groupwork.models import GroupMember
from capacita.nominations.models import Nomination
from capacita.progress.models import ReminderSent
from capacita.shared.personal_data import THE_ACCOUNT, Registry, registry

PERSONAL_WORDS = {
    "name",
    "names",
    "email",
    "mail",
    "phone",
    "address",
    "note",
    "notes",
    "comment",
    "comments",
    "reason",
    "message",
    "answer",
    "text",
}


def project_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("capacita.")
        for model in config.get_models()
    ]


def fields_of(model) -> list[models.Field]:
    """The model's own fields, many-to-many included, but its automatic primary key."""
    own = [*model._meta.fields, *model._meta.many_to_many]
    return [f for f in own if not (f.primary_key and f.auto_created)]


def _is_in_each_language(field) -> bool:
    return any(field.name.endswith(f"_{code}") for code, _name in settings.LANGUAGES)


def _personal_text(field) -> bool:
    if isinstance(field, models.EmailField | models.GenericIPAddressField):
        return True
    if not isinstance(field, models.CharField | models.TextField):
        return False
    if isinstance(field, models.SlugField) or _is_in_each_language(field):
        return False
    return bool(PERSONAL_WORDS & set(field.name.lower().split("_")))


def _why_declared(model, per_person: set) -> str | None:
    """Why `model` must be declared, or None."""
    User = get_user_model()
    if model is User:
        return "is the account"
    for field in fields_of(model):
        if field.is_relation and field.related_model is User:
            return f"links to a person ({field.name})"
        if field.is_relation and field.related_model in per_person:
            return f"links to {field.related_model._meta.label}, someone's ({field.name})"
        if _personal_text(field):
            return f"holds personal text ({field.name})"
    return None


def gaps(declarations: Registry, models_to_check) -> list[str]:
    """What the declarations miss or get wrong, one line each, naming model and field."""
    found = []
    User = get_user_model()
    seen = set()
    for declaration in declarations:
        if declaration.model in seen:
            found.append(f"{declaration.label}: declared more than once")
        seen.add(declaration.model)
    per_person = {d.model for d in declarations if d.person}
    for model in models_to_check:
        why = _why_declared(model, per_person)
        if model not in seen and why:
            found.append(f"{model._meta.label}: no declaration, but it {why}")
    for declaration in declarations:
        found += _declaration_gaps(declaration, User)
    return found


def _declaration_gaps(declaration, User) -> list[str]:
    label, found = declaration.label, []
    fields = {field.name: field for field in fields_of(declaration.model)}
    links = {path.split("__")[0] for path in declaration.person if path != THE_ACCOUNT}
    personal, not_personal = set(declaration.personal), set(declaration.not_personal)
    named = [
        *links,
        *personal,
        *not_personal,
        *declaration.mentions,
        *(declaration.names or ()),
        *([declaration.address] if declaration.address else []),
        *(declaration.about or ()),
    ]
    if declaration.programme:
        named.append(declaration.programme.split("__")[0])
    for name in sorted(set(named) - set(fields)):
        found.append(f"{label}.{name}: declared, but the model has no such field")
    for name in sorted(personal & not_personal):
        found.append(f"{label}.{name}: declared both personal and not personal")
    for name in sorted(set(fields) - links - personal - not_personal):
        found.append(f"{label}.{name}: declared neither personal nor not personal")
    for name in sorted(not_personal):
        field = fields.get(name)
        if field is not None and field.is_relation and field.related_model is User:
            found.append(f"{label}.{name}: links to a person, so it cannot be not personal")
    for name in sorted(set(declaration.mentions) - personal):
        found.append(f"{label}.{name}: may name a person, so it must be personal")
    return found


def without(declarations: Registry, model) -> Registry:
    return Registry(d for d in declarations if d.model is not model)


def replaced(declarations: Registry, model, **changes) -> Registry:
    return Registry(
        dataclasses.replace(d, **changes) if d.model is model else d for d in declarations
    )


def test_every_model_with_personal_data_is_declared_field_by_field():
    assert gaps(registry(), project_models()) == []


def test_the_registry_reads_every_app_that_declares():
    labels = {d.model._meta.app_label for d in registry()}
    assert {"accounts", "nominations", "audit", "privacy", "emails"} <= labels
    assert registry().account().model is get_user_model()


def test_an_undeclared_model_linked_to_a_person_is_named():
    assert gaps(without(registry(), ReminderSent), project_models()) == [
        "progress.ReminderSent: no declaration, but it links to a person (user)"
    ]


def test_an_undeclared_model_linked_to_someones_record_is_named():
    assert gaps(without(registry(), Answer), project_models()) == [
        "evaluation.Answer: no declaration, but it links to evaluation.Response, someone's "
        "(response)"
    ]


def test_an_undeclared_model_holding_personal_text_is_named():
    assert gaps(without(registry(), Signatory), project_models()) == [
        "certificates.Signatory: no declaration, but it holds personal text (name)"
    ]


def test_a_new_field_of_a_declared_model_asks_for_a_decision():
    declaration = registry().of(Nomination)
    forgotten = tuple(name for name in declaration.not_personal if name != "over_quota")
    declarations = replaced(registry(), Nomination, not_personal=forgotten)
    assert gaps(declarations, project_models()) == [
        "nominations.Nomination.over_quota: declared neither personal nor not personal"
    ]


def test_a_link_to_a_person_cannot_be_declared_not_personal():
    declarations = replaced(
        registry(), GroupMember, person=(), not_personal=("session_work", "user")
    )
    assert gaps(declarations, project_models()) == [
        "groupwork.GroupMember.user: links to a person, so it cannot be not personal"
    ]


def test_a_field_that_is_gone_is_named():
    personal = {**registry().of(AttendanceRecord).personal, "remarks": None}
    declarations = replaced(registry(), AttendanceRecord, personal=personal)
    assert gaps(declarations, project_models()) == [
        "attendance.AttendanceRecord.remarks: declared, but the model has no such field"
    ]
