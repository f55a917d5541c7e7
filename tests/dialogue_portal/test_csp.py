"""A Content-Security-Policy on every page, and templates that need no inline script for it
(issue 15, item 9)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def directives(header: str) -> dict[str, list[str]]:
    """The policy as directive -> sources (django-csp writes the directives in no fixed order)."""
    parsed = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        assert name not in parsed
        parsed[name] = sources
    return parsed


EVENT_HANDLER = re.compile(r"<[a-z][^>]*?\s(on[a-z]+|hx-on[:\-a-z]*)\s*=", re.IGNORECASE | re.DOTALL)


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(world, login):
    anonymous = login(None).get(reverse("home"), follow=True)
    assert anonymous.status_code == 200
    assert directives(anonymous["Content-Security-Policy"]) == POLICY

    page = login(world.users["leader"]).get(reverse("home"))
    assert page.status_code == 200
    assert directives(page["Content-Security-Policy"]) == POLICY


def test_templates_have_no_inline_scripts_or_event_handlers():
    offences = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        for attributes, body in SCRIPT_TAG.findall(text):
            if "src=" not in attributes or body.strip():
                offences.append(f"{name}: inline <script>")
        offences += [f"{name}: {match.group(1)}=" for match in EVENT_HANDLER.finditer(text)]
        if "javascript:" in text.lower():
            offences.append(f"{name}: javascript: URL")

    assert offences == []
