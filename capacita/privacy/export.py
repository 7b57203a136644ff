"""What the platform holds about a person, for their own download: every declared model's
`Export` (see `capacita.shared.personal_data`)."""

from __future__ import annotations

from capacita.shared.personal_data import PersonalData, Registry, registry

# The order of the download's parts, as it has always been; a part not named here follows,
# in the order of the apps.
HEADINGS = (
    "account",
    "memberships",
    "nominations",
    "attendance",
    "meeting_rows",
    "course_completions",
    "tests",
    "certificates",
    "groups",
    "group_answers_written",
    "emails",
    "removal_requests",
    "audit_events",
)


def personal_data(user, *, declarations: Registry | None = None) -> dict:
    """Everything the platform holds about `user`, as JSON-ready values (strings, numbers,
    lists, dicts), in every programme: one query per kind of record."""
    declarations = declarations if declarations is not None else registry()
    read: dict[type, list] = {}
    parts = {}
    # Records referring to others (the audit's events) come last: which of them are the
    # person's depends on the person's other records.
    for declaration in sorted(declarations, key=lambda d: d.about is not None):
        export = declaration.export
        if declaration.is_the_account:
            if export is not None:
                parts[export.heading] = export.entry(user, user)
            continue
        if not declaration.person:
            continue
        if declaration.about is not None:
            records = _referring(declaration, user, declarations, read)
        elif export is not None:
            records = _read(declaration, declaration.rows_of(user))
        else:
            continue
        read[declaration.model] = records
        if export is not None:
            parts[export.heading] = [export.entry(record, user) for record in records]
    ordered = {heading: parts.pop(heading) for heading in HEADINGS if heading in parts}
    return {**ordered, **parts}


def _read(declaration: PersonalData, queryset) -> list:
    export = declaration.export
    if export is not None:
        queryset = queryset.select_related(*export.related).prefetch_related(*export.prefetch)
        if export.order_by:
            queryset = queryset.order_by(*export.order_by)
    return list(queryset)


def _referring(declaration: PersonalData, user, declarations, read) -> list:
    """The records linked to `user` (their own decisions) or referring to them or to one of
    their records whose declaration says `audit_subject`."""
    groups = []
    for subject in declarations:
        if not subject.audit_subject:
            continue
        if subject.model in read:
            groups.append(read[subject.model])
        else:
            groups.append(list(subject.rows_of(user).only("pk")))
    about = declaration.about_records(user, groups)
    return _read(
        declaration, declaration.model._default_manager.filter(declaration.linked_to(user) | about)
    )
