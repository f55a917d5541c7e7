"""Requests sent at the same moment from threads, each with its own client and its own database
connection, for the tests of races (two clicks on one button). Used by transactional tests only:
a thread sees only what is committed."""

from __future__ import annotations

import importlib
import re
import threading
from http.cookies import SimpleCookie

from django.apps import apps
from django.db import connections
from django.test import Client


def twin_of(client: Client) -> Client:
    """A second client with the same cookies: another tab (or a second click) of the same browser,
    logged in to the same session."""
    twin = Client()
    twin.cookies = SimpleCookie()
    for name, morsel in client.cookies.items():
        twin.cookies[name] = morsel.value
    return twin


def post_each(pairs: list[tuple[Client, dict]], url: str) -> list:
    """POST each client's own body to `url` at once (a barrier releases the threads together);
    the responses in the order of `pairs`. An exception in a thread is raised here.

    Responses carry no `context`: the test client collects it through a signal every thread
    hears. Follow a redirect afterwards, one client after the other (`messages_after`)."""
    barrier = threading.Barrier(len(pairs))
    responses: list = [None] * len(pairs)
    errors: list[BaseException] = []

    def send(index: int, client: Client, data: dict) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, data)
        except BaseException as exc:  # noqa: BLE001 (handed to the test's thread below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, c, d)) for i, (c, d) in enumerate(pairs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return responses


def post_together(clients: list[Client], url: str, data: dict) -> list:
    """POST the same `data` to `url` from every client at once (see `post_each`)."""
    return post_each([(client, data) for client in clients], url)


def edit_token_of(html: str) -> str:
    """The edit token an editor page carries ("" on a page without one)."""
    match = re.search(r'name="edit_token" value="([^"]*)"', html)
    return match.group(1) if match else ""


def messages_after(client: Client, response) -> list[str]:
    """The messages a redirect carries, read by following it."""
    return [str(message) for message in client.get(response.url).context["messages"]]


def restore_migration_data() -> None:
    """Transactional tests empty every table when they finish, rows written by data migrations
    included: put the participant categories and the topics back."""
    importlib.import_module("sessions.migrations.0004_participant_categories").create_categories(apps, None)
    importlib.import_module("feedback.migrations.0002_topics").add_topics(apps, None)
