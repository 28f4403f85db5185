"""The date range and district filter of the statistics pages."""

from django import forms

from bdcdj.accounts.models import Tenant


class RangeForm(forms.Form):
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label="行政区", required=False)

    def __init__(self, *args: object, regions: frozenset[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        names = dict(Tenant.objects.filter(region_code__in=regions).values_list("region_code", "name"))
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [
            ("", "全部"),
            *((c, f"{c} {names.get(c, '')}") for c in sorted(regions)),
        ]
