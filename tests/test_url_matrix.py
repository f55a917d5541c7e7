"""Every URL pattern, requested by every role, answers as the matrix says.

Rows are added by each feature in tests/matrix_rows.py. A pattern without a row fails the
coverage test, so a new view cannot ship without its permissions being stated.
"""

import pytest
from django.db import transaction
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
def test_matrix_row(name, world, login, django_capture_on_commit_callbacks):
    row = ROWS[name]
    objects = build_objects(world)
    url = row.url(objects)
    got, acted, expected_acted = {}, {}, {}
    for role in ROLES:
        client = login(world.users[role])
        # Each role meets the objects as built: what its request changed is rolled back after.
        with transaction.atomic():
            if row.prepare:
                row.prepare(objects, client)
            before = row.state(objects) if row.state else None
            # What the request leaves to after the commit (the worker's tasks) runs, as in production.
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url, row.data(objects)) if row.method == "post" else client.get(url)
            got[role] = response.status_code
            if row.state:
                after = row.state(objects)
                acted[role], expected_acted[role] = after != before, row.may_act(role)
                if row.changed_to and row.may_act(role):
                    assert after == row.changed_to(objects), role
            transaction.set_rollback(True)
        # Anonymous users are always sent to the login page, never shown a 403.
        if role == "anonymous" and response.status_code == 302 and row.expected[role] == 302:
            assert "/tai-khoan/dang-nhap/" in response["Location"]
    assert got == row.expected
    assert acted == expected_acted, "roles whose request changed the state (True) or left it as it was"


def test_every_post_row_states_its_effect():
    assert [name for name, row in ROWS.items() if row.method == "post" and row.state is None] == []
