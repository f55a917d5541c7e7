"""Every URL pattern, requested by every role, answers as the matrix says.

Rows are added by each feature in tests/matrix_rows.py. A pattern without a row fails the
coverage test, so a new view cannot ship without its permissions being stated.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .matrix_rows import ROLES, ROWS, build_objects

IGNORED_NAMESPACES = {"admin"}


def _named_patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in IGNORED_NAMESPACES:
                continue
            yield from _named_patterns(entry, ":".join(filter(None, [namespace, entry.namespace])) or None)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_matrix_covers_every_url_pattern():
    names = set(_named_patterns())
    assert names - set(ROWS) == set(), "URL patterns without a row in tests/matrix_rows.py"
    assert set(ROWS) - names == set(), "rows for URL patterns that no longer exist"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_matrix_row(name, world, login):
    row = ROWS[name]
    objects = build_objects(world)
    url = row.url(objects)
    got = {}
    for role in ROLES:
        client = login(world.users[role])
        response = client.post(url, row.data(objects)) if row.method == "post" else client.get(url)
        got[role] = response.status_code
        # Anonymous users are always sent to the login page, never shown a 403.
        if role == "anonymous" and response.status_code == 302 and row.expected[role] == 302:
            assert "/tai-khoan/dang-nhap/" in response["Location"]
    assert got == row.expected
