"""The sessions' pages of the plan editor, under the plan's URLs (plans:plan.sessions,
plans:plan.session), registered with plans.editor in DialogueSessionsConfig.ready()."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from plans.forms.rows import int_or_none
from plans.views import PlanPartView

from .forms import SessionDetailsForm, SessionsForm


class PlanSessionsView(PlanPartView):
    template_name = "sessions/editor/plan_sessions.html"
    form_class = SessionsForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for form in context["form"].formset.forms:
            ref = int_or_none(form["ref"].value())
            if ref:
                form.detail_url = reverse("plans:plan.session", args=[self.plan.pk, ref])
                form.detail_label = "Suất mời, thành phần"
        return context


class PlanSessionView(PlanPartView):
    template_name = "sessions/editor/plan_session.html"
    form_class = SessionDetailsForm

    def get_session(self):
        for session in self.plan.sessions.all():
            if session.pk == self.kwargs["session_pk"]:
                return session
        raise Http404("Không tìm thấy phiên đối thoại này trong kế hoạch.")

    def get_form_kwargs(self):
        return {"session": self.get_session()}
