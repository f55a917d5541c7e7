"""The commune a page names: the selector reads (None for a commune the session does not
concern), the view helper turns that into a 404."""

import pytest
from django.http import Http404

from sessions.lookups import session_commune_or_404
from sessions.selectors import session_commune

from .participant_data import make_session


def test_session_commune_of_session_is_found_and_other_is_none(world):
    session = make_session(world)

    assert (session_commune(session, "52-550-03"), session_commune(session, world.other_commune.code)) == (
        world.commune,
        None,
    )


def test_session_commune_or_404_other_commune_is_404_and_no_code_is_none(world):
    session = make_session(world)

    with pytest.raises(Http404):
        session_commune_or_404(session, world.other_commune.code)
    assert (session_commune_or_404(session, ""), session_commune_or_404(session, "52-550-03")) == (
        None,
        world.commune,
    )
