"""Filter forms of the quality pages."""

from typing import Any

from django import forms

from bdcdj.core.errors import InvalidInput
from bdcdj.quality.findings import Severity, Stage
from bdcdj.quality.selectors import StatsFilter, parse_month


class StatsFilterForm(forms.Form):
    month_from = forms.CharField(
        label="起始月份",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2024-01"}),
    )
    month_to = forms.CharField(
        label="截止月份",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2024-12"}),
    )
    group = forms.ChoiceField(
        label="统计方式", required=False, choices=[("rule", "按规则和月份"), ("district", "按行政区和月份")]
    )
    severity = forms.ChoiceField(label="严重程度", required=False, choices=[("", "全部"), *Severity.choices])
    stage = forms.ChoiceField(label="检查环节", required=False, choices=[("", "全部"), *Stage.choices])
    rule_id = forms.CharField(label="规则编号", required=False, max_length=20)
    region_code = forms.RegexField(
        label="行政区划代码", required=False, regex=r"^\d{6}$", error_messages={"invalid": "应为 6 位数字"}
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("-month", "月份从新到旧"),
            ("month", "月份从旧到新"),
            ("-total", "发现数从多到少"),
            ("total", "发现数从少到多"),
            ("key", "编号/代码升序"),
            ("-key", "编号/代码降序"),
        ],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("month_from", "month_to"):
            try:
                data[name] = parse_month(data.get(name) or "", field=name)
            except InvalidInput as exc:
                self.add_error(name, exc.fields[name])
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            self.add_error("month_to", "截止月份不能早于起始月份")
        return data

    def to_filter(self) -> StatsFilter:
        data = self.cleaned_data
        return StatsFilter(
            month_from=data.get("month_from"),
            month_to=data.get("month_to"),
            severity=data.get("severity") or "",
            stage=data.get("stage") or "",
            region_code=data.get("region_code") or "",
            rule_id=(data.get("rule_id") or "").strip().upper(),
            group=data.get("group") or "rule",
            sort=data.get("sort") or "-month",
        )
