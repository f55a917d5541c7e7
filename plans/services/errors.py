"""The error every plan service raises for a change that cannot happen."""

from __future__ import annotations


class PlanWorkflowError(Exception):
    """A workflow step that cannot happen; the message is for the user, in Vietnamese."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
