"""Template filters for Vietnamese text: ``{% load vietnamese %}``."""

from django import template

from core.vietnamese import in_sentence as _in_sentence

register = template.Library()


@register.filter
def in_sentence(value) -> str:
    """A title quoted inside a sentence, without the full stop typed at its end
    (core.vietnamese.in_sentence): ``{{ session|in_sentence }} ({{ session.time_label }})``."""
    return _in_sentence(str(value or ""))
