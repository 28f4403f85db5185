"""Admin for dictionaries (editable), certificate templates (editable) and issued numbers (read-only).

Saving a dictionary or item clears the lookup cache through `standards.signals`; the bulk actions
below use `update()`, which sends no signals, so they clear it themselves.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from bdcdj.standards.models import (
    CertificateNumber,
    CertificateNumberTemplate,
    CodeSequence,
    Dictionary,
    DictionaryItem,
)
from bdcdj.standards.selectors import dictionary_cache_clear
from bdcdj.standards.services import certificate_number_compose


class DictionaryItemFormSet(BaseInlineFormSet):
    """Checks parents against the codes on the page, so a parent and child can be added together."""

    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        codes = {f.cleaned_data.get("code") for f in kept}
        for form in kept:
            parent = form.cleaned_data.get("parent_code")
            if parent and parent not in codes:
                form.add_error("parent_code", f"上级代码“{parent}”不在本字典中")
        if any(form.errors for form in kept):
            raise ValidationError("请修正字典项中的错误")


class DictionaryItemInline(admin.TabularInline):
    model = DictionaryItem
    formset = DictionaryItemFormSet
    fields = ["code", "label", "parent_code", "sort_order", "is_active"]
    extra = 0
    ordering = ["sort_order", "code"]


@admin.register(Dictionary)
class DictionaryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "version", "source", "item_count", "updated_at"]
    list_display_links = ["code", "name"]
    list_filter = ["version", "source"]
    search_fields = ["code", "name", "items__code", "items__label"]
    readonly_fields = ["updated_at"]
    fields = ["code", "version", "name", "source", "note", "updated_at"]
    inlines = [DictionaryItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dictionary]:
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description="字典项数", ordering="_item_count")
    def item_count(self, obj: Any) -> int:
        return int(obj._item_count)


@admin.register(DictionaryItem)
class DictionaryItemAdmin(admin.ModelAdmin):
    list_display = ["dictionary", "code", "label", "parent_code", "sort_order", "is_active"]
    list_filter = ["is_active", "dictionary__version", "dictionary__code"]
    search_fields = ["code", "label", "dictionary__code", "dictionary__name"]
    list_select_related = ["dictionary"]
    actions = ["activate", "deactivate"]

    @admin.action(description="启用所选字典项")
    def activate(self, request: HttpRequest, queryset: QuerySet[DictionaryItem]) -> None:
        count = queryset.update(is_active=True)
        dictionary_cache_clear()
        self.message_user(request, f"已启用 {count} 项", messages.SUCCESS)

    @admin.action(description="停用所选字典项（保留名称供历史数据显示）")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[DictionaryItem]) -> None:
        count = queryset.update(is_active=False)
        dictionary_cache_clear()
        self.message_user(request, f"已停用 {count} 项", messages.SUCCESS)


@admin.register(CertificateNumberTemplate)
class CertificateNumberTemplateAdmin(admin.ModelAdmin):
    list_display = ["region_code", "county_name", "kind", "year", "width", "shared_scope", "example"]
    list_filter = ["kind", "full_width_brackets"]
    search_fields = ["region_code", "county_name", "shared_scope"]

    @admin.display(description="示例")
    def example(self, obj: CertificateNumberTemplate) -> str:
        return certificate_number_compose(
            template=obj, year=obj.year or timezone.localdate().year, serial=obj.initial_serial
        )


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: visible to administrators, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CertificateNumber)
class CertificateNumberAdmin(_ReadOnlyAdmin):
    list_display = ["number", "region_code", "kind", "year", "serial", "status", "created_at", "voided_at"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["number", "region_code"]
    date_hierarchy = "created_at"


@admin.register(CodeSequence)
class CodeSequenceAdmin(_ReadOnlyAdmin):
    list_display = ["scope", "last_value", "updated_at"]
    search_fields = ["scope"]
