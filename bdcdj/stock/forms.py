"""Forms of the stock pages: the upload of a mapping with its files, and a bulk fix."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_MAPPING_BYTES = 256 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class UploadForm(forms.Form):
    mapping = forms.FileField(label="映射文件（YAML）")
    data_files = MultipleFileField(label="数据文件（CSV、XLSX，可多选）", required=False)

    def clean_mapping(self) -> Any:
        upload = self.cleaned_data["mapping"]
        if upload.size > MAX_MAPPING_BYTES:
            raise forms.ValidationError("映射文件过大（最大 256 KB）")
        raw = upload.read()
        try:
            self.cleaned_data["mapping_text"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("映射文件须为 UTF-8 编码") from None
        self.cleaned_data["mapping_bytes"] = raw
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "mapping_text" in self.cleaned_data:
            data["mapping_text"] = self.cleaned_data["mapping_text"]
            data["mapping_bytes"] = self.cleaned_data["mapping_bytes"]
        return data


class FixForm(forms.Form):
    rule_id = forms.CharField(label="规则编号", max_length=20)
    table_code = forms.CharField(label="标准表（可空）", max_length=40, required=False)
    field_code = forms.CharField(label="字段", max_length=40)
    mode = forms.ChoiceField(
        label="修正方式", choices=(("set", "设置为固定值"), ("translate", "代码对照转换"))
    )
    value = forms.CharField(
        label="值 / 对照（每行“旧代码=新代码”）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = (data.get("value") or "").strip()
        if data.get("mode") == "set":
            data["set_value"], data["translate"] = value, None
        elif data.get("mode") == "translate":
            pairs: dict[str, str] = {}
            for line in value.splitlines():
                if not line.strip():
                    continue
                old, sep, new = line.partition("=")
                if not sep or not old.strip():
                    raise forms.ValidationError({"value": f"对照行应为“旧代码=新代码”：{line.strip()[:40]}"})
                pairs[old.strip()] = new.strip()
            if not pairs:
                raise forms.ValidationError({"value": "请至少填写一行对照"})
            data["set_value"], data["translate"] = None, pairs
        return data
