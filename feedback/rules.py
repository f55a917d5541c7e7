"""Who may see and handle citizens' questions (django-rules).

- Office roles (district staff, leaders, secretaries) see every question of the sessions of
  plans issued in their territory; only district staff assign, reassign and merge questions,
  only leaders approve answers, only secretaries record questions and outcomes at a session.
- A commune official sees and submits only their own commune's questions.
- A department officer sees only the questions assigned to their unit, drafts their answers and
  hands back a question that is not the unit's (with a reason); a leader approves a draft or
  returns it for changes (with a reason).
"""

import rules

from accounts.roles import (
    is_commune_official,
    is_department_officer,
    is_district_staff,
    is_leader,
    is_office,
    is_secretary,
    user_place,
)
from plans.models import PlanStatus
from plans.rules import plan_in_territory
from sessions.rules import session_concerns_user_commune, session_covers_user, session_in_territory

from .models import OPEN_STATUSES, QuestionStatus


@rules.predicate
def question_in_territory(user, question) -> bool:
    territory = user_place(user)
    return bool(territory and question and question.session.plan.issuer.is_within(territory))


@rules.predicate
def question_of_own_commune(user, question) -> bool:
    return bool(question and user.place_id and question.commune_id == user.place_id)


@rules.predicate
def question_assigned_to_unit(user, question) -> bool:
    return bool(question and user.unit_id and question.assigned_unit_id == user.unit_id)


@rules.predicate
def question_is_open(user, question) -> bool:
    return bool(question and question.status in OPEN_STATUSES and question.duplicate_of_id is None)


@rules.predicate
def question_is_assignable(user, question) -> bool:
    return bool(
        question
        and question.duplicate_of_id is None
        and question.status in (QuestionStatus.NEW, QuestionStatus.ASSIGNED, QuestionStatus.ANSWER_DRAFTED)
    )


@rules.predicate
def question_awaits_answer(user, question) -> bool:
    return bool(question and question.status in (QuestionStatus.ASSIGNED, QuestionStatus.ANSWER_DRAFTED))


@rules.predicate
def answer_is_drafted(user, question) -> bool:
    return bool(question and question.status == QuestionStatus.ANSWER_DRAFTED)


@rules.predicate
def question_at_session_open(user, question) -> bool:
    """Not yet answered at the session nor sent to a written reply."""
    return bool(
        question
        and question.duplicate_of_id is None
        and question.status in OPEN_STATUSES
        and question.status != QuestionStatus.TO_ANSWER_IN_WRITING
    )


@rules.predicate
def question_awaits_written_reply(user, question) -> bool:
    return bool(question and question.status == QuestionStatus.TO_ANSWER_IN_WRITING)


can_view_question = (
    (is_office & question_in_territory)
    | (is_commune_official & question_of_own_commune)
    | (is_department_officer & question_assigned_to_unit)
)
can_submit_question = is_commune_official & session_covers_user & session_concerns_user_commune
can_record_question = is_secretary & session_in_territory
can_assign_question = is_district_staff & question_in_territory & question_is_assignable
can_merge_question = is_district_staff & question_in_territory & question_is_open
can_draft_answer = is_department_officer & question_assigned_to_unit & question_awaits_answer
can_approve_answer = is_leader & question_in_territory & answer_is_drafted
# A unit hands back a question given to it by mistake while it is still in its hands.
can_hand_back_question = is_department_officer & question_assigned_to_unit & question_awaits_answer
can_mark_question = is_secretary & question_in_territory & question_at_session_open
can_record_written_reply = (
    (is_district_staff & question_in_territory) | (is_department_officer & question_assigned_to_unit)
) & question_awaits_written_reply

# The asker's name, checked against a question or a line of a notice (feedback.notice.Assignment)
# on a page the user may already read: the office, the commune it came from, the unit that
# answers it. Other readers see the commune only.
can_view_asker = (
    is_office
    | (is_commune_official & question_of_own_commune)
    | (is_department_officer & question_assigned_to_unit)
)

rules.add_perm("feedback.list_questions", is_office | is_commune_official | is_department_officer)
rules.add_perm("feedback.view_question", can_view_question)
rules.add_perm("feedback.view_asker", can_view_asker)
rules.add_perm("feedback.submit_question", can_submit_question)
rules.add_perm("feedback.record_question", can_record_question)
rules.add_perm("feedback.assign_question", can_assign_question)
rules.add_perm("feedback.merge_question", can_merge_question)
rules.add_perm("feedback.draft_answer", can_draft_answer)
rules.add_perm("feedback.approve_answer", can_approve_answer)
rules.add_perm("feedback.hand_back_question", can_hand_back_question)
rules.add_perm("feedback.mark_question", can_mark_question)
rules.add_perm("feedback.record_written_reply", can_record_written_reply)
rules.add_perm("feedback.view_dashboard", is_leader | is_district_staff)


@rules.predicate
def plan_is_issued(user, plan) -> bool:
    return bool(plan and plan.status == PlanStatus.ISSUED)


# The results report of an issued plan: the office that issued it (staff, leaders, secretaries).
rules.add_perm("feedback.view_report", is_office & plan_in_territory & plan_is_issued)


# ---------------------------------------------------------------- conclusion notice of a session
# Checked against the Session: the notice may not exist yet when its page is opened.


def _conclusion(session):
    return getattr(session, "conclusion", None) if session is not None else None


@rules.predicate
def is_session_secretary(user, session) -> bool:
    return bool(session and user.is_authenticated and session.secretary_id == user.pk)


@rules.predicate
def conclusion_is_draft(user, session) -> bool:
    """No notice yet, or a draft one: it may still be written."""
    conclusion = _conclusion(session)
    return conclusion is None or not conclusion.is_issued


@rules.predicate
def conclusion_drafted(user, session) -> bool:
    conclusion = _conclusion(session)
    return bool(conclusion is not None and not conclusion.is_issued)


@rules.predicate
def conclusion_issued(user, session) -> bool:
    conclusion = _conclusion(session)
    return bool(conclusion is not None and conclusion.is_issued)


# The office sees drafts; the communes and units the notice is sent to read it once issued.
can_view_conclusion = (is_office & session_in_territory) | (
    conclusion_issued
    & (
        (is_commune_official & session_covers_user & session_concerns_user_commune)
        | (is_department_officer & session_covers_user)
    )
)
can_draft_conclusion = (
    (is_district_staff | (is_secretary & is_session_secretary)) & session_in_territory & conclusion_is_draft
)
can_issue_conclusion = is_leader & session_in_territory & conclusion_drafted

rules.add_perm("feedback.view_conclusion", can_view_conclusion)
rules.add_perm("feedback.draft_conclusion", can_draft_conclusion)
rules.add_perm("feedback.issue_conclusion", can_issue_conclusion)
