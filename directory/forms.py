from django import forms

from .models import MapEra, Place
from .services import place_position_error


class PlaceAdminForm(forms.ModelForm):
    """The admin's place form: the parent must be a higher level of the same map and not the
    place itself or a place inside it (the paths below are derived from it). The map of a
    saved place is not changed here (its admin shows it read-only)."""

    class Meta:
        model = Place
        fields = ["era", "code", "kind", "name", "parent"]

    def clean(self):
        data = super().clean()
        era = data.get("era") or self.instance.era
        if data.get("kind") and era:
            probe = Place(pk=self.instance.pk, era=era, kind=data["kind"], parent=data.get("parent"))
            error = place_position_error(place=probe)
            if error:
                self.add_error("parent", error[:1].upper() + error[1:])
        return data


class DirectoryCsvForm(forms.Form):
    era = forms.ChoiceField(
        label="Bản đồ hành chính",
        choices=MapEra.choices,
        initial=MapEra.FROM_2025,
        required=False,
        help_text="Cho các dòng của tệp không có cột era.",
    )
    places = forms.FileField(label="Tệp địa bàn (code,kind,name,parent_code)", required=False)
    units = forms.FileField(
        label="Tệp cơ quan, đơn vị (code,name,short_name,kind,place_code,email)", required=False
    )
    changes = forms.FileField(
        label="Tệp sắp xếp xã 01/7/2025 (old_code,new_code,main)",
        required=False,
        help_text="Mỗi dòng: mã xã cũ, mã chính thức của xã mới đã nhận nó; «x» ở cột main đánh dấu xã chính khi xã cũ bị chia tách.",
    )

    def clean(self):
        data = super().clean()
        data["era"] = data.get("era") or MapEra.FROM_2025
        if not data.get("places") and not data.get("units") and not data.get("changes"):
            raise forms.ValidationError("Chọn ít nhất một tệp CSV.")
        for name in ("places", "units", "changes"):
            upload = data.get(name)
            if upload:
                try:
                    data[f"{name}_text"] = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error(name, "Tệp phải là CSV mã hóa UTF-8.")
        return data
