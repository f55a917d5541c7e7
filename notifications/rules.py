"""Who may follow a session's invitations, print its letters and check people in (django-rules).

- Office roles (district staff, leaders, secretaries) of the territory that issued the plan see
  the invitations page, send the emails, resend failed ones and print any commune's letters.
- A commune official prints the letters of their own commune only (object: a CommuneList).
- Check-in at the door: the session's own secretary, and district staff and leaders of the territory.
- Department officers see none of it.
"""

import rules

from accounts.roles import is_commune_official, is_district_staff, is_leader, is_office, is_secretary
from sessions.rules import list_in_territory, list_of_own_commune, session_in_territory


@rules.predicate
def is_session_secretary(user, session) -> bool:
    return bool(session and user.is_authenticated and session.secretary_id == user.pk)


rules.add_perm("notifications.view_invitations", is_office & session_in_territory)
rules.add_perm("notifications.send_invitations", is_office & session_in_territory)
rules.add_perm(
    "notifications.print_invitations",
    (is_office & list_in_territory) | (is_commune_official & list_of_own_commune),
)
rules.add_perm(
    "notifications.check_in",
    ((is_district_staff | is_leader) & session_in_territory)
    | (is_secretary & is_session_secretary & session_in_territory),
)
