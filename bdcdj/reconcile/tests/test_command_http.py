import io

import pytest
from django.core.management import call_command

from bdcdj.hub.models import MirrorRecord
from bdcdj.hub.tests.factories import COUNTY
from bdcdj.reconcile.models import ReconcileRun
from bdcdj.reconcile.tests.test_api_reconcile import _deliver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_reconcile_upstream_over_http_reports_agreement_then_the_difference(live_server, sender, settings):
    _deliver(sender, 4)
    settings.BDCDJ_UPSTREAM_URL = live_server.url
    settings.BDCDJ_REGION_CODE = COUNTY
    settings.BDCDJ_NODE_TOKEN = sender.token
    out = io.StringIO()
    call_command("reconcile_upstream", stdout=out)
    assert "核对一致" in out.getvalue() and "一致率 100.0000%" in out.getvalue()

    row = MirrorRecord.objects.filter(region_code=COUNTY).order_by("id").first()
    MirrorRecord.objects.filter(pk=row.pk).update(record_hash="f" * 64)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile_upstream", stdout=out)
    assert exit_info.value.code == 1
    assert f"内容不一致：{row.table}|{row.row_key}" in out.getvalue()
    assert "共 1 处不一致" in out.getvalue()
    first, second = ReconcileRun.objects.order_by("id")
    assert (first.differences, second.differences, second.changed) == (0, 1, 1)
    assert second.difference_rows.get().mirror_record_id == row.pk
