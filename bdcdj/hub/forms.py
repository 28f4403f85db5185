from django import forms

from bdcdj.hub.models import MessageStatus
from bdcdj.hub.selectors import MessageFilter


class MessageFilterForm(forms.Form):
    search = forms.CharField(label="报文ID / 单元号 / 业务号", required=False, max_length=40)
    node = forms.RegexField(
        label="来源节点区划", regex=r"^\d{6}$", required=False, error_messages={"invalid": "应为6位数字"}
    )
    rectype = forms.RegexField(
        label="业务编码", regex=r"^\d{7}$", required=False, error_messages={"invalid": "应为7位数字"}
    )
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *MessageStatus.choices], required=False)
    date_from = forms.DateField(
        label="接收日期从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data

    def to_filter(self, *, clearance_open: bool = False) -> MessageFilter:
        data = self.cleaned_data
        return MessageFilter(
            node=data.get("node") or "",
            rectype=data.get("rectype") or "",
            status=data.get("status") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            search=data.get("search") or "",
            clearance_open=clearance_open,
        )
