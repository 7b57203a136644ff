"""Inserting many rows at once without building a model instance per row.

`bulk_create` prepares every value of every instance through its field (about 50 µs per
instance here); importing a report of 100,000 rows for 1,000 people writes a thousand of
each kind in a few milliseconds with one `executemany` instead, which the import's time
budget (three times the csv module's reading time) needs. Values go through their field's
`get_db_prep_save` only for the kinds that need it (date-times, JSON), so what is stored is
what `bulk_create` would store, on SQLite and on PostgreSQL alike.

No signals are sent and no auto fields are filled: callers give every non-null column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, router

NEEDS_PREPARATION = frozenset({"DateTimeField", "DateField", "JSONField", "DecimalField"})


def insert_rows(model, field_names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT `rows` (values in the order of `field_names`) into `model`'s table."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    prepared = [
        (position, field)
        for position, field in enumerate(fields)
        if field.get_internal_type() in NEEDS_PREPARATION
    ]
    if prepared:
        rows = [list(row) for row in rows]
        for position, field in prepared:
            prepare = _memoised(field, connection)
            for row in rows:
                if row[position] is not None:
                    row[position] = prepare(row[position])
    quote = connection.ops.quote_name
    # Table and column names come from the model, quoted; values are parameters.
    sql = "INSERT INTO {table} ({columns}) VALUES ({values})".format(  # noqa: S608
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _memoised(field, connection):
    """`field.get_db_prep_save` for one connection, remembering date-times already prepared
    (rows repeat them: the same `updated_at` on every record of an import)."""
    if field.get_internal_type() not in ("DateTimeField", "DateField"):
        return lambda value: field.get_db_prep_save(value, connection)
    known: dict = {}

    def prepare(value):
        try:
            return known[value]
        except KeyError:
            prepared = known[value] = field.get_db_prep_save(value, connection)
            return prepared

    return prepare
