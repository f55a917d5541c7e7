"""notifications' services, a module for each thing they do: invitations.py (e-mail rows of a
session's invitations), outbox.py (sending rows over SMTP), reminders.py (deadline reminders and
escalations), checkin.py (the QR token and attendance at the door)."""
