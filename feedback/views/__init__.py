"""The feedback pages, by URL group: questions (list, detail, the forms on a question),
session_questions (submission, upload, quick entry), conclusions, reports and public."""
