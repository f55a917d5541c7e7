"""Objects a page names in its URL or form, for the views: a name that does not fit is a 404.

The selectors only read (None for nothing found); turning that into an HTTP answer is the
views' business, here for the views of sessions and of the apps above it.
"""

from __future__ import annotations

from django.http import Http404

from directory.models import Place

from .models import Session
from .selectors import session_commune


def session_commune_or_404(session: Session, code: str) -> Place | None:
    """The commune of a page's URL or form (None when no code is given); a code the session does
    not concern, forged or mistyped, is a 404."""
    if not code:
        return None
    commune = session_commune(session, code)
    if commune is None:
        raise Http404("Phiên đối thoại này không có xã, phường này.")
    return commune
