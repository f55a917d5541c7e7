"""The pages of the plan editor, as tabs: plans registers its own in PlansConfig.ready(), and
an app that keeps a part of the plan (sessions) registers its pages in its own ready(), so the
editor (plans/urls.py, the tabs of templates/plans/_edit_base.html) names no higher app.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EditorPage:
    # The URL name in the "plans" namespace, e.g. "plan.sessions".
    name: str
    # The path after "<int:pk>/", e.g. "phien/" or "phien/<int:session_pk>/".
    route: str
    # A view class (usually a plans.views.PlanPartView); as_view() is called for the URL.
    view: type
    # The tab's text, or "" for a page opened from another tab's page (one session of the list).
    label: str = ""
    # The tab's place, left to right.
    order: int = 0
    # For a page without a tab: the tab it belongs to (its `name`), shown as active.
    tab: str = ""


_pages: dict[str, EditorPage] = {}


def register_editor_page(page: EditorPage) -> None:
    """Called from AppConfig.ready(); registering the same name again replaces it."""
    _pages[page.name] = page


def editor_pages() -> list[EditorPage]:
    return sorted(_pages.values(), key=lambda page: page.order)


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str
    # URL names under which the tab is shown as active.
    names: frozenset[str]


def editor_tabs() -> list[Tab]:
    """The editor's tabs, in order, each with the pages that make it active."""
    pages = editor_pages()
    return [
        Tab(
            url_name=f"plans:{page.name}",
            label=page.label,
            names=frozenset({page.name} | {p.name for p in pages if p.tab == page.name}),
        )
        for page in pages
        if page.label
    ]
