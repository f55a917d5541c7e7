"""Every state change of a plan, one module per kind of change; each records a PlanEvent."""
