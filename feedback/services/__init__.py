"""Every state change of a question, by what it is about: questions (submission, assignment,
merging), answers (drafts, approval, outcomes at the session, written replies), conclusions (the
session's conclusion notice) and upload (a commune's question list from a spreadsheet). Each
function checks who may do it and raises `FeedbackError` with a message for the user when the
rule is broken; each runs in one transaction."""


class FeedbackError(Exception):
    """A rule about questions was broken; `message` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
