from django import forms

from .models import Place
from .services import place_position_error


class PlaceAdminForm(forms.ModelForm):
    """The admin's place form: the parent must be a higher level and not the place itself
    or a place inside it (the paths below are derived from it)."""

    class Meta:
        model = Place
        fields = ["code", "kind", "name", "parent"]

    def clean(self):
        data = super().clean()
        if data.get("kind"):
            probe = Place(pk=self.instance.pk, kind=data["kind"], parent=data.get("parent"))
            error = place_position_error(place=probe)
            if error:
                self.add_error("parent", error[:1].upper() + error[1:])
        return data


class DirectoryCsvForm(forms.Form):
    places = forms.FileField(label="Tệp địa bàn (code,kind,name,parent_code)", required=False)
    units = forms.FileField(
        label="Tệp cơ quan, đơn vị (code,name,short_name,kind,place_code,email)", required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("places") and not data.get("units"):
            raise forms.ValidationError("Chọn ít nhất một tệp CSV.")
        for name in ("places", "units"):
            upload = data.get(name)
            if upload:
                try:
                    data[f"{name}_text"] = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error(name, "Tệp phải là CSV mã hóa UTF-8.")
        return data
