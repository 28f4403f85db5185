"""Forms of the precise-query pages (field checks only; the rules are in the services)."""

from __future__ import annotations

from django import forms

from bdcdj.precise.models import CountyEndpoint, TargetKind
from bdcdj.precise.services import DEFAULT_DEADLINE_DAYS, MAX_DEADLINE_DAYS


class TaskForm(forms.Form):
    authority = forms.CharField(label="请求机关", max_length=100)
    legal_basis = forms.CharField(label="法律依据", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.CharField(label="查询目的", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    target_kind = forms.ChoiceField(label="查询对象类别", choices=TargetKind.choices)
    target_id = forms.CharField(
        label="身份证件号码 / 统一社会信用代码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    deadline_days = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=MAX_DEADLINE_DAYS, initial=DEFAULT_DEADLINE_DAYS
    )
    all_counties = forms.BooleanField(label="下达全部县级节点", required=False, initial=True)
    regions = forms.MultipleChoiceField(
        label="或选择县级节点", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["regions"].choices = [  # type: ignore[attr-defined]
            (e.region_code, f"{e.region_code} {e.name}")
            for e in CountyEndpoint.objects.filter(is_active=True)
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("all_counties") and not data.get("regions"):
            self.add_error("regions", "请选择县级节点，或勾选“下达全部县级节点”")
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
