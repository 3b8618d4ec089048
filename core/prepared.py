"""Lookups that every learner page runs, as SQL prepared once per process instead of by the ORM.

Building a select_related()/annotate() query cost several times what running it did (about
0.4 ms of Python against 0.02–0.06 ms in the database), and the learner pages run two to
four such lookups per request. A PreparedRows holds the finished SELECT and the fields' value
converters, made from the models' own metadata on first use; rows become instances through
Model.from_db, as the ORM makes them (tests compare them field by field with the ORM's).
On PostgreSQL the unchanging SQL text also lets psycopg turn it into a server-side prepared
statement (config/settings.py: server_side_binding), so the server stops planning it too.
"""

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Value


class PreparedRows:
    """Whole rows of one or more joined models from one SELECT.

    models_: [(alias, model)] or [(alias, model, ["field", ...])]; a model may be named
    "app_label.Model" (resolved on first use, for a model its module cannot import); the first is the FROM table,
    the others are joined in `tail`. With a field list only those fields (and the primary key)
    are loaded and the rest are deferred, as .only() does. A model joined with LEFT JOIN
    comes back as None when its primary key is NULL.
    tail: the SQL after the column list ("FROM {e} e INNER JOIN ..."); `{alias}` names a
    model's table, and every value is a %s parameter.
    extra: [(attribute, sql, output_field)]: more columns (a subquery, say), converted as
    output_field would be and set on the row's first instance; their parameters come first.
    tables: {alias: model} for tables the SQL names that give no instances (a join to filter by).
    """

    def __init__(self, models_: list, tail: str, *, extra: list = (), tables: dict | None = None):
        self.models = [(spec[0], spec[1], spec[2] if len(spec) > 2 else None) for spec in models_]
        self.tail = tail
        self.extra = list(extra)
        self.tables = dict(tables or {})
        self.prepared = {}

    def _prepare(self):
        if connection.vendor not in self.prepared:
            self.models = [(a, apps.get_model(m) if isinstance(m, str) else m, only) for a, m, only in self.models]
            self.tables = {a: apps.get_model(m) if isinstance(m, str) else m for a, m in self.tables.items()}
            qn = connection.ops.quote_name
            tables = {alias: qn(model._meta.db_table) for alias, model in self.tables.items()}
            tables.update({alias: qn(model._meta.db_table) for alias, model, _only in self.models})
            columns, converters, sizes = [], [], []
            for alias, model, only in self.models:
                fields = [
                    field for field in model._meta.concrete_fields
                    if only is None or field.primary_key or field.name in only or field.attname in only
                ]
                unknown = set(only or ()) - {f.name for f in fields} - {f.attname for f in fields}
                if unknown:
                    raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
                names = [field.attname for field in fields]
                sizes.append((model, names, names.index(model._meta.pk.attname)))
                for field in fields:
                    columns.append(f"{alias}.{qn(field.column)}")
                    col = field.get_col(model._meta.db_table)
                    converters.append((connection.ops.get_db_converters(col) + field.get_db_converters(connection), col))
            extras = []
            for name, sql, output_field in self.extra:
                expression = Value(None, output_field=output_field)  # what the converters are chosen by
                converters.append((connection.ops.get_db_converters(expression) + output_field.get_db_converters(connection), expression))
                columns.append(f"({sql.format(**tables)})")
                extras.append(name)
            # Identifiers come from the models' metadata; every value is a parameter.
            sql = f"SELECT {', '.join(columns)} " + self.tail.format(**tables)
            self.prepared[connection.vendor] = (sql, converters, sizes, extras)
        return self.prepared[connection.vendor]

    def values(self, params: list) -> list[list]:
        """The rows as lists of converted values, columns in the models' field order (then the
        extras), without making instances: for a page that only reads a few values per row."""
        return self._values(self._prepare(), params)

    def _values(self, prepared: tuple, params: list) -> list[list]:
        sql, converters, _sizes, _extras = prepared
        # The connection itself, not the proxy: `connection.x` looks the alias up in a
        # context-local on every access, and the loops below would do that per value.
        db = connections[DEFAULT_DB_ALIAS]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        result = []
        for row in fetched:
            values = []
            for value, (functions, expression) in zip(row, converters, strict=True):
                for function in functions:
                    value = function(value, expression, db)
                values.append(value)
            result.append(values)
        return result

    def rows(self, params: list) -> list[tuple]:
        """The rows as tuples of instances, one per model (None for a LEFT JOIN that found nothing)."""
        prepared = self._prepare()
        _sql, _converters, sizes, extras = prepared
        result = []
        for values in self._values(prepared, params):
            instances, start = [], 0
            for model, names, pk_index in sizes:
                chunk = values[start : start + len(names)]
                start += len(names)
                instances.append(None if chunk[pk_index] is None else model.from_db(DEFAULT_DB_ALIAS, names, chunk))
            for name, value in zip(extras, values[start:], strict=True):
                setattr(instances[0], name, value)
            result.append(tuple(instances))
        return result
