"""The sessions' pages of the plan editor: the list of sessions, and one session's quotas,
composition and cluster. Built on the plan editor's rows (plans.forms.rows)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from accounts.models import Role, User
from directory.models import Place, PlaceLevel
from plans.forms.fields import ObjectChoiceField, ObjectMultipleChoiceField, date_widget, time_widget
from plans.forms.parts import territory_units
from plans.forms.rows import PlanPartForm, RowFormMixin, RowFormSet, row_formset
from plans.models import Plan

from ..models import CompositionGroup, ParticipantCategory, SessionFormat, TimeKind
from ..services import session_warnings
from . import services as editing


def territory_places(plan: Plan, keep: set[int] = frozenset()) -> list[Place]:
    """Districts, communes and hamlets of the issuer's territory (the issuer itself included),
    and the places in `keep` that the plan already names."""
    return list(
        (
            Place.objects.within(plan.issuer).filter(level__gte=PlaceLevel.DISTRICT)
            | Place.objects.filter(pk__in=keep)
        ).select_related("parent")
    )


def _place_label(place: Place) -> str:
    if place.level == PlaceLevel.HAMLET and place.parent:
        return f"{place.title_name} ({place.parent.full_name})"
    return place.title_name


class SessionRowForm(RowFormMixin, forms.Form):
    ref = forms.IntegerField(label="Mã dòng", widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Tên phiên / cụm", max_length=120, required=False)
    # A draft may leave it for later: it prints as a blank and the plan lists it as missing.
    venue_name = forms.CharField(label="Địa điểm", max_length=255, required=False)
    venue_address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    time_kind = forms.ChoiceField(label="Thời gian theo", choices=TimeKind.choices, initial=TimeKind.EXACT)
    date = forms.DateField(label="Ngày", required=False, widget=date_widget())
    start_time = forms.TimeField(label="Giờ bắt đầu", required=False, widget=time_widget())
    end_time = forms.TimeField(label="Giờ kết thúc", required=False, widget=time_widget())
    month = forms.IntegerField(label="Tháng", min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label="Quý", min_value=1, max_value=4, required=False)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    format = forms.ChoiceField(
        label="Hình thức", choices=SessionFormat.choices, initial=SessionFormat.IN_PERSON
    )
    total_participants = forms.IntegerField(label="Tổng số người dân tham gia", min_value=0, required=False)
    min_per_hamlet = forms.IntegerField(
        label="Mỗi thôn, khóm mời ít nhất",
        min_value=1,
        required=False,
        help_text="Dùng khi phân bổ theo quy tắc thay cho suất mời từng xã.",
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_commune"] = ObjectChoiceField(
            objects=communes, label="Xã đăng cai", required=False, label_of=_place_label
        )
        self.order_fields(["ref", "name", "venue_name", "venue_address", "host_commune"])

    def clean(self):
        cleaned = super().clean()
        error = editing.session_time_error(cleaned)
        if error:
            self.add_error(error[0] if error[0] in self.fields else None, error[1])
        return cleaned


class SessionsForm(PlanPartForm):
    title = "Các phiên đối thoại"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        names = ["name", "venue_name", "venue_address", "time_kind", "date", "start_time", "end_time"]
        names += ["month", "quarter", "year", "format", "total_participants", "min_per_hamlet"]
        initial = [
            {"ref": s.pk, "host_commune": s.host_commune_id, **{n: getattr(s, n) for n in names}}
            for s in plan.sessions.all()
        ]
        hosts = {s.host_commune_id for s in plan.sessions.all() if s.host_commune_id}
        communes = [
            p for p in territory_places(plan, hosts) if p.level == PlaceLevel.COMMUNE or p.pk in hosts
        ]
        formset_class = row_formset(SessionRowForm)
        formset_class.layout = "cards"
        self.formset = formset_class(
            data, initial=initial, prefix="phien", form_kwargs={"communes": communes}
        )

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        rows = []
        for row in self.formset.rows():
            row["id"] = row.pop("ref")
            rows.append(row)
        editing.save_sessions(plan=self.plan, user=user, rows=rows)

    def add_workflow_error(self, error):
        super().add_workflow_error(error)
        if isinstance(error, editing.SessionInUseError):
            # Also on the card of each removed row that cannot go.
            for form in self.formset.forms:
                ref = getattr(form, "cleaned_data", {}).get("ref")
                if ref in error.sessions:
                    form.add_error(None, error.sessions[ref])


class QuotaForm(RowFormMixin, forms.Form):
    count = forms.IntegerField(label="Số người", min_value=0)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = ObjectChoiceField(objects=places, label="Xã / thôn", label_of=_place_label)
        self.order_fields(["place", "count"])


class QuotaFormSet(RowFormSet):
    def clean(self):
        if not self.rows_are_clean():
            return
        seen: dict[int, int] = {}
        for form in self.kept_forms():
            place = form.cleaned_data["place"]
            number = self.row_number(form)
            if place.pk in seen:
                self.add_row_error(form, f"{_place_label(place)} đã có ở dòng {seen[place.pk]}.")
            seen.setdefault(place.pk, number)


class CompositionGroupForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = CompositionGroup
        fields = editing.GROUP_ROW_FIELDS


class SessionClusterForm(forms.Form):
    chair = forms.CharField(label="Chủ trì", max_length=200, required=False)

    def __init__(self, *args, communes=(), bridges=(), categories=(), secretaries=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_units"] = ObjectMultipleChoiceField(
            objects=units,
            label="Cơ quan, đơn vị được mời (mỗi đơn vị một giấy mời)",
            required=False,
            label_of=lambda unit: unit.name,
        )
        self.fields["target_categories"] = ObjectMultipleChoiceField(
            objects=categories, label="Đối tượng mời", required=False, label_of=lambda c: c.name
        )
        self.fields["secretary"] = forms.TypedChoiceField(
            label="Thư ký",
            required=False,
            choices=[("", "—")] + [(str(u.pk), str(u)) for u in secretaries],
            coerce=lambda pk: {str(u.pk): u for u in secretaries}[pk],
            empty_value=None,
        )
        self.fields["communes"] = ObjectMultipleChoiceField(
            objects=communes, label="Các xã trong cụm", required=False, label_of=_place_label
        )
        self.fields["bridge_places"] = ObjectMultipleChoiceField(
            objects=bridges, label="Điểm cầu trực tuyến", required=False, label_of=_place_label
        )


class SessionDetailsForm(PlanPartForm):
    def __init__(self, *, plan, session, data=None, files=None):
        super().__init__(plan=plan, data=data)
        self.session = session
        self.title = f"Phiên «{session}»"
        quota_ids = {q.place_id for q in session.quotas.all()}
        commune_ids = {p.pk for p in session.communes.all()}
        bridge_ids = {p.pk for p in session.bridge_places.all()}
        places = territory_places(plan, quota_ids | commune_ids | bridge_ids)
        # A commune's own plan gives its quotas to its hamlets, whose contacts send the lists.
        quota_levels = (
            (PlaceLevel.HAMLET,)
            if plan.issuer.level == PlaceLevel.COMMUNE
            else (PlaceLevel.COMMUNE, PlaceLevel.HAMLET)
        )
        quota_places = [p for p in places if p.level in quota_levels or p.pk in quota_ids]
        communes = [p for p in places if p.level == PlaceLevel.COMMUNE or p.pk in commune_ids]
        bridges = [
            p for p in places if p.level in (PlaceLevel.DISTRICT, PlaceLevel.COMMUNE) or p.pk in bridge_ids
        ]
        quotas = [{"place": q.place_id, "count": q.count} for q in session.quotas.all()]
        groups = [{n: getattr(g, n) for n in editing.GROUP_ROW_FIELDS} for g in session.composition.all()]
        self.quotas = row_formset(QuotaForm, formset=QuotaFormSet)(
            data, initial=quotas, prefix="moi", form_kwargs={"places": quota_places}
        )
        self.quotas.add_label = "Thêm dòng"
        self.composition = row_formset(CompositionGroupForm)(data, initial=groups, prefix="thanhPhan")
        self.cluster = SessionClusterForm(
            data,
            prefix="cum",
            communes=communes,
            bridges=bridges,
            categories=list(ParticipantCategory.objects.all()),
            secretaries=list(
                User.objects.filter(role=Role.SECRETARY, place__in=Place.objects.within(plan.issuer))
            ),
            units=sorted({*territory_units(plan), *session.invited_units.all()}, key=lambda unit: unit.name),
            initial={
                "invited_units": [unit.pk for unit in session.invited_units.all()],
                "communes": [p.pk for p in session.communes.all()],
                "bridge_places": [p.pk for p in session.bridge_places.all()],
                "target_categories": [c.pk for c in session.target_categories.all()],
                "chair": session.chair,
                "secretary": str(session.secretary_id or ""),
            },
        )
        self.cluster.helper = FormHelper()
        self.cluster.helper.form_tag = False

    def parts(self):
        return [self.quotas, self.composition, self.cluster]

    def warnings(self) -> list[str]:
        return session_warnings(session=self.session)

    def save(self, *, user):
        editing.save_session_details(
            plan=self.plan,
            session=self.session,
            user=user,
            quotas=self.quotas.rows(),
            composition=self.composition.rows(),
            communes=self.cluster.cleaned_data["communes"],
            bridge_places=self.cluster.cleaned_data["bridge_places"],
            chair=self.cluster.cleaned_data["chair"],
            secretary=self.cluster.cleaned_data["secretary"],
            target_categories=self.cluster.cleaned_data["target_categories"],
            invited_units=self.cluster.cleaned_data["invited_units"],
        )
