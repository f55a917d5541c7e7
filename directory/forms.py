from django import forms


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
