"""What the home page shows each role: the project package assembles the apps' panels."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_commune_official, is_department_officer, is_district_staff, is_leader
from feedback.models import QuestionStatus
from feedback.selectors import answers_awaiting_approval, handed_back_questions, unit_queue
from plans.selectors import dashboard_plans
from sessions.selectors import list_level, upcoming_sessions


@dataclass
class Dashboard:
    greeting: str
    role_label: str
    place_label: str
    panels: list[dict] = field(default_factory=list)


def _plan_panels(user) -> list[dict]:
    """Staff: my drafts and plans returned; leader: plans waiting for approval or issue;
    others: issued plans that concern them. One query per panel."""
    if not user.has_perm("plans.list_plans"):
        return []
    more_url = reverse("plans:plan.list")
    return [
        {"title": title, "template": "plans/dashboard_panel.html", "plans": plans, "more_url": more_url}
        for title, plans in dashboard_plans(user)
    ]


def _session_panels(user) -> list[dict]:
    """The next sessions the user may see; a commune official's with the commune's deadline for
    its list and questions and its fill rate. Two queries."""
    if not user.has_perm("dialogue_sessions.list_sessions"):
        return []
    sessions = upcoming_sessions(user, today=timezone.localdate())
    if is_commune_official(user):
        # The list this official sends (a commune's, or a hamlet's in its commune's own plan).
        for session in sessions:
            session.own_list = user.place if list_level(session) == user.place.level else None
    return [
        {
            "title": "Phiên đối thoại sắp tới",
            "template": "sessions/dashboard_panel.html",
            "sessions": sessions,
            "today": timezone.localdate(),
            "more_url": reverse("sessions:session.list"),
        }
    ]


def _question_panels(user) -> list[dict]:
    """A department officer's queue: the open questions given to their unit, earliest due first;
    a leader's drafted answers waiting for approval; district staff's questions handed back by a
    unit, to give to the right one. One query each."""
    questions = reverse("feedback:question.list")
    if is_department_officer(user):
        return [
            {
                "title": "Câu hỏi đơn vị cần trả lời",
                "template": "feedback/dashboard_panel.html",
                "questions": unit_queue(user),
                "today": timezone.localdate(),
                "more_url": questions,
            }
        ]
    if is_leader(user):
        return [
            {
                "title": "Trả lời chờ lãnh đạo duyệt",
                "template": "feedback/approval_panel.html",
                "questions": answers_awaiting_approval(user),
                "today": timezone.localdate(),
                "more_url": f"{questions}?status={QuestionStatus.ANSWER_DRAFTED}",
            }
        ]
    if is_district_staff(user):
        handed_back = handed_back_questions(user)
        if not handed_back:
            return []
        return [
            {
                "title": "Câu hỏi đơn vị trả lại – cần giao đơn vị khác",
                "template": "feedback/handed_back_panel.html",
                "questions": handed_back,
                "more_url": f"{questions}?status={QuestionStatus.NEW}",
            }
        ]
    return []


def dashboard_for(user) -> Dashboard:
    place = user.unit if user.unit_id else user.place
    return Dashboard(
        greeting=user.get_full_name() or user.username,
        role_label=user.role_label,
        place_label=str(place) if place else "",
        panels=[*_question_panels(user), *_session_panels(user), *_plan_panels(user)],
    )
