"""The expected answer of each URL pattern for each role (see test_url_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

ROLES = [
    "anonymous",
    "district_staff",
    "leader",
    "secretary",
    "commune_official",
    "other_commune_official",
    "department_officer",
]


@dataclass
class Row:
    url: Callable[[dict], str]
    expected: dict[str, int]
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda objects: {})


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES}


def only(allowed: set[str], ok: int = 200, denied: int = 403) -> dict[str, int]:
    return {role: 302 if role == "anonymous" else (ok if role in allowed else denied) for role in ROLES}


def build_objects(world) -> dict:
    """Objects the URLs point at; features add theirs here."""
    objects = {"world": world}
    for builder in OBJECT_BUILDERS:
        objects.update(builder(world))
    return objects


OBJECT_BUILDERS: list[Callable] = []

ROWS: dict[str, Row] = {
    "home": Row(lambda o: reverse("home"), everyone(200)),
    "accounts:login": Row(lambda o: reverse("accounts:login"), everyone(302, anonymous=200)),
    "directory:place.detail": Row(
        lambda o: reverse("directory:place.detail", args=[o["world"].commune.code]),
        only({"district_staff", "leader", "secretary", "department_officer", "commune_official"}),
    ),
    "accounts:logout": Row(lambda o: reverse("accounts:logout"), everyone(302, anonymous=302), method="post"),
}
