"""Inserting many new rows with PostgreSQL's COPY, several times faster than INSERT for a list of
thousands (Django's bulk_create spends most of its time turning each value into SQL).

`copy_insert(model, objects)` writes unsaved instances, all their concrete fields but an
automatic primary key, in one `COPY … FROM STDIN` statement; like bulk_create it calls neither
`save()` nor signals, and fills `auto_now(_add)` fields. It is for PostgreSQL only (`can_copy`
says whether it applies); elsewhere bulk_create is the way. The statement is logged like any
query, so query counts see it. A model with a field COPY's text format is not written for here
(JSON, arrays, binary…) is refused with ValueError rather than guessed at.
"""

from __future__ import annotations

import datetime
import decimal
import io
import operator
import re
import uuid
from collections.abc import Sequence
from contextlib import nullcontext

from django.db import connections, models, router

# Values written as their str(): what PostgreSQL's text input reads back for these types.
_PLAIN_TYPES = (str, int, float, decimal.Decimal, datetime.date, datetime.time, uuid.UUID)
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_WRITTEN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,
    models.DateTimeField,
    models.TimeField,
    models.DecimalField,
    models.FloatField,
    models.UUIDField,
    models.ForeignKey,
)


def can_copy(model: type[models.Model]) -> bool:
    return connections[router.db_for_write(model)].vendor == "postgresql"


def _copy_text(value) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE(value) else value
    if value is None:
        return "\\N"
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, _PLAIN_TYPES):
        return str(value).translate(_COPY_ESCAPES)
    raise ValueError(f"COPY cannot write {kind.__name__} values")


def copy_insert(model: type[models.Model], objects: Sequence[models.Model]) -> int:
    """Insert `objects` (new instances of `model`) with one COPY; returns how many. Their primary
    keys stay unset, as with bulk_create on a backend that does not return them."""
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    ]
    for field in fields:
        if not isinstance(field, _WRITTEN_FIELDS):
            raise ValueError(f"{model.__name__}.{field.name}: COPY is not written for {type(field).__name__}")
    # auto_now(_add) fields: one value for the whole list, as one statement writes it.
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.pre_save(objects[0], add=True)
            for obj in objects[1:]:
                setattr(obj, field.attname, value)
    get = operator.attrgetter(*(field.attname for field in fields))
    values_of = get if len(fields) > 1 else lambda obj: (get(obj),)
    text = _copy_text
    lines = ["\t".join(map(text, values_of(obj))) for obj in objects]
    data = "\n".join(lines) + "\n"
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    with connection.cursor() as cursor:
        logging = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
        with logging, connection.wrap_database_errors:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, io.StringIO(data))
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(data)
    return len(objects)
