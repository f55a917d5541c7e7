"""Vietnamese ordering of names.

PostgreSQL sorts with the ICU collation "vi-x-icu" (An, Ân, Bình, Dung, Đà, Uy, Ủy);
SQLite, used only for the quick-start, keeps its binary order.
"""

from django.db.models import F, Func


class VietnameseCollate(Func):
    template = "%(expressions)s"
    arity = 1

    def __init__(self, expression, **extra):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "vi-x-icu"', **extra_context
        )


def vi_order(field: str, descending: bool = False):
    expression = VietnameseCollate(field)
    return expression.desc() if descending else expression.asc()
