"""Forms of the supervision pages: the alert queue filter and the handling comment."""

from django import forms

from bdcdj.supervision.models import AlertStatus, Severity
from bdcdj.supervision.rules import CATALOGUE
from bdcdj.supervision.selectors import ORDERS, AlertFilter


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *AlertStatus.choices])
    rule_code = forms.ChoiceField(
        label="规则", required=False, choices=[("", "全部"), *((r.code, r.name) for r in CATALOGUE)]
    )
    severity = forms.ChoiceField(label="风险等级", required=False, choices=[("", "全部"), *Severity.choices])
    text = forms.CharField(label="对象", required=False, max_length=50)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(k, k) for k in ORDERS], widget=forms.HiddenInput
    )

    def filters(self) -> AlertFilter:
        data = self.cleaned_data
        return AlertFilter(
            status=data.get("status", ""),
            rule_code=data.get("rule_code", ""),
            severity=data.get("severity", ""),
            text=data.get("text", "").strip(),
            order=data.get("sort") or "-first_seen",
        )


class HandleForm(forms.Form):
    comment = forms.CharField(label="处理意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
