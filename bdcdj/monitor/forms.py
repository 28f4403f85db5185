from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from bdcdj.monitor.selectors import LogFilter

MAX_RANGE_DAYS = 366


class RangeForm(forms.Form):
    date_from = forms.DateField(
        label="日期从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    month = forms.RegexField(
        label="排名月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": "应为 YYYY-MM"},
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        end = data.get("date_to") or timezone.localdate()
        start = data.get("date_from") or end - dt.timedelta(days=29)
        if start > end:
            self.add_error("date_to", "结束日期不能早于开始日期")
        elif (end - start).days > MAX_RANGE_DAYS:
            self.add_error("date_from", "日期范围最长一年")
        data["start"], data["end"] = start, end
        month = data.get("month")
        data["month_first"] = dt.date.fromisoformat(f"{month}-01") if month else end.replace(day=1)
        return data


class LogFilterForm(forms.Form):
    region = forms.RegexField(
        label="行政区划", regex=r"^\d{6}$", required=False, error_messages={"invalid": "应为6位数字"}
    )
    date_from = forms.DateField(
        label="日志日期从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    discrepancies_only = forms.BooleanField(label="只看有差异的", required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data

    def to_filter(self) -> LogFilter:
        data = self.cleaned_data
        return LogFilter(
            region=data.get("region") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            discrepancies_only=bool(data.get("discrepancies_only")),
        )
