"""Forms of the accounts pages: lockout-aware login, audit filters, page grants in the admin."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from bdcdj.accounts.backends import LOGIN_RESULT_ATTR
from bdcdj.accounts.models import AuditLog, PagePermission
from bdcdj.accounts.pages import PAGES
from bdcdj.accounts.selectors import AuditFilter

BAD_CREDENTIALS = "账号或密码错误"


def locked_message(minutes: int) -> str:
    return f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试"


class LockoutMessagesMixin:
    """One message for every wrong name, password or disabled account (no enumeration),
    another for a locked account."""

    request: Any

    def get_invalid_login_error(self) -> ValidationError:
        result = getattr(self.request, LOGIN_RESULT_ATTR, None)
        if result is not None and result.locked:
            return ValidationError(locked_message(result.locked_minutes), code="locked")
        return ValidationError(BAD_CREDENTIALS, code="invalid_login")


class LoginForm(LockoutMessagesMixin, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "账号"
        self.fields["password"].label = "密码"
        self.error_messages = {**self.error_messages, "inactive": BAD_CREDENTIALS}


class AdminLoginForm(LockoutMessagesMixin, AdminAuthenticationForm):
    """The admin site's login form with the same lockout messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "inactive": BAD_CREDENTIALS,
            "invalid_login": BAD_CREDENTIALS,
        }


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人账号", required=False, max_length=150)
    action = forms.CharField(
        label="操作", required=False, max_length=64, help_text="以“.”结尾按前缀匹配，如 auth."
    )
    object_type = forms.CharField(label="对象类型", required=False, max_length=64)
    object_id = forms.CharField(label="对象标识", required=False, max_length=64)
    region_code = forms.RegexField(
        label="行政区划代码", required=False, regex=r"^\d{6}$", error_messages={"invalid": "应为 6 位数字"}
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditLog.Outcome.choices]
    )
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("-at", "时间从新到旧"), ("at", "时间从旧到新")]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def to_filter(self) -> AuditFilter:
        """The criteria of a valid form; call only after `is_valid()`."""
        data = self.cleaned_data
        return AuditFilter(
            actor=data.get("actor", "").strip(),
            action=data.get("action", "").strip(),
            object_type=data.get("object_type", "").strip(),
            object_id=data.get("object_id", "").strip(),
            region_code=data.get("region_code") or "",
            outcome=data.get("outcome") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            newest_first=data.get("sort") != "at",
        )


class PagePermissionForm(forms.ModelForm):
    """Pick the page from the catalogue rather than typing its code."""

    page = forms.ChoiceField(
        label="页面", choices=[(code, f"{title}（{code}）") for code, title in PAGES.items()]
    )

    class Meta:
        model = PagePermission
        fields = ["page", "level"]
