"""Who may do what with a plan (django-rules predicates, attached as permissions)."""

import rules

from accounts.roles import (
    is_commune_official,
    is_department_officer,
    is_district_staff,
    is_leader,
    is_office,
    user_place,
)

from .models import PUBLISHED_STATUSES, PlanStatus


@rules.predicate
def plan_in_territory(user, plan) -> bool:
    """The plan was issued by the user's people's committee or one below it."""
    territory = user_place(user)
    return bool(territory and plan and plan.issuer.is_within(territory))


@rules.predicate
def plan_covers_user(user, plan) -> bool:
    """The user's commune or unit lies inside the plan issuer's territory."""
    territory = user_place(user)
    return bool(territory and plan and territory.is_within(plan.issuer))


@rules.predicate
def plan_is_draft(user, plan) -> bool:
    return bool(plan and plan.status == PlanStatus.DRAFT)


@rules.predicate
def plan_is_submitted(user, plan) -> bool:
    return bool(plan and plan.status == PlanStatus.SUBMITTED)


@rules.predicate
def plan_is_approved(user, plan) -> bool:
    return bool(plan and plan.status == PlanStatus.APPROVED)


@rules.predicate
def plan_is_published(user, plan) -> bool:
    return bool(plan and plan.status in PUBLISHED_STATUSES)


can_view_plan = (is_office & plan_in_territory) | (
    (is_commune_official | is_department_officer) & plan_is_published & plan_covers_user
)

rules.add_perm("plans.list_plans", is_office | is_commune_official | is_department_officer)
rules.add_perm("plans.add_plan", is_district_staff)
rules.add_perm("plans.view_plan", can_view_plan)
rules.add_perm("plans.change_plan", is_district_staff & plan_in_territory & plan_is_draft)
rules.add_perm("plans.copy_plan", is_district_staff & plan_in_territory)
rules.add_perm("plans.submit_plan", is_district_staff & plan_in_territory & plan_is_draft)
rules.add_perm("plans.approve_plan", is_leader & plan_in_territory & plan_is_submitted)
rules.add_perm("plans.return_plan", is_leader & plan_in_territory & (plan_is_submitted | plan_is_approved))
rules.add_perm("plans.issue_plan", is_leader & plan_in_territory & plan_is_approved)
# The workflow log (who returned the plan and why) is the office's internal record.
rules.add_perm("plans.view_plan_log", is_office & plan_in_territory)
