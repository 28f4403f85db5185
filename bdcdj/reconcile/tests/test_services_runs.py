"""Runs reported by the lower node are recorded at the upper node with the differences the
upper node computes itself, feed the day's consistency metric and drill down on the pages."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.hub.models import MirrorRecord
from bdcdj.hub.tests.factories import COUNTY, OTHER_COUNTY
from bdcdj.monitor.models import DailyMetric
from bdcdj.monitor.services.metrics import dimension_scores
from bdcdj.reconcile.models import DifferenceKind, ReconcileRun
from bdcdj.reconcile.protocol import reconcile
from bdcdj.reconcile.services import split_key
from bdcdj.reconcile.sources import sent_records, tree_of
from bdcdj.reconcile.tests.test_api_reconcile import ClientPeer, _deliver
from bdcdj.reconcile.tree import bucket_of

pytestmark = pytest.mark.django_db


def _report(peer: ClientPeer, *, tamper=None) -> dict:
    """Run the protocol from the county's side and report the run, as `reconcile_upstream` does."""
    tree = tree_of(sent_records(region_code=COUNTY))
    diff = reconcile(tree, peer)
    buckets = {p: {k: h.hex() for k, h in tree.entries(p).items()} for p in diff.buckets}
    payload = {"root": tree.root.hex(), "count": tree.count, "depth": tree.depth, "buckets": buckets}
    if tamper:
        tamper(payload)
    return peer._post("runs", payload)


def test_an_agreeing_run_is_recorded_with_full_consistency(sender):
    _deliver(sender, 5)
    answer = _report(ClientPeer(sender.token))
    run = ReconcileRun.objects.get(pk=answer["run_id"])
    assert (run.region_code, run.differences, run.consistency) == (COUNTY, 0, 1.0)
    assert run.lower_root == run.upper_root and run.lower_count == run.upper_count == run.compared > 0
    metric = DailyMetric.objects.get(region_code=COUNTY, day=timezone.localdate())
    assert metric.consistency == 1.0 and dimension_scores(metric)["consistency"] == 1.0


def test_differences_are_computed_by_the_upper_node_and_lower_the_day_score(sender):
    _deliver(sender, 6)
    tampered = MirrorRecord.objects.filter(region_code=COUNTY, table="QLT_FW_FDCQ_YZ").order_by("id").first()
    MirrorRecord.objects.filter(pk=tampered.pk).update(record_hash="0" * 64)
    lost = MirrorRecord.objects.filter(region_code=COUNTY, table="ZTT_GY_QLR").order_by("id").last()
    MirrorRecord.objects.filter(pk=lost.pk).delete()

    answer = _report(ClientPeer(sender.token))

    run = ReconcileRun.objects.get(pk=answer["run_id"])
    assert answer["changed"] == [f"{tampered.table}|{tampered.row_key}"]
    assert answer["only_lower"] == [f"{lost.table}|{lost.row_key}"]
    assert (run.changed, run.only_lower, run.only_upper, run.differences) == (1, 1, 0, 2)
    assert run.compared == run.lower_count
    assert run.consistency == pytest.approx((run.compared - 2) / run.compared)
    changed = run.difference_rows.get(kind=DifferenceKind.CHANGED)
    assert changed.mirror_record_id == tampered.pk and changed.unit_code == tampered.unit_code
    assert changed.business_number == tampered.business_no and changed.upper_hash == "0" * 64
    missing = run.difference_rows.get(kind=DifferenceKind.ONLY_LOWER)
    assert missing.mirror_record is None and missing.business_number == lost.business_no
    metric = DailyMetric.objects.get(region_code=COUNTY, day=timezone.localdate())
    assert metric.consistency == pytest.approx(run.consistency, abs=1e-6) and metric.consistency < 1


def test_the_latest_run_of_the_day_sets_the_consistency(sender):
    _deliver(sender, 3)
    row = MirrorRecord.objects.filter(region_code=COUNTY).order_by("id").first()
    original = row.record_hash
    MirrorRecord.objects.filter(pk=row.pk).update(record_hash="1" * 64)
    _report(ClientPeer(sender.token))
    assert DailyMetric.objects.get(region_code=COUNTY).consistency < 1
    MirrorRecord.objects.filter(pk=row.pk).update(record_hash=original)  # repaired
    _report(ClientPeer(sender.token))
    assert ReconcileRun.objects.count() == 2
    assert DailyMetric.objects.get(region_code=COUNTY).consistency == 1.0


def test_a_report_that_hides_the_differing_buckets_is_refused(sender):
    _deliver(sender, 3)
    MirrorRecord.objects.filter(region_code=COUNTY).update(record_hash="2" * 64)
    peer = ClientPeer(sender.token)
    tree = tree_of(sent_records(region_code=COUNTY))
    body = {"root": tree.root.hex(), "count": tree.count, "depth": tree.depth, "buckets": {}}
    response = peer.client.post(
        "/api/reconcile/v1/runs", data=json.dumps(body), content_type="application/json", headers=peer.headers
    )
    assert response.status_code == 400 and response.json()["code"] == "reconcile_report_incomplete"
    key = "ZTT_GY_QLR|ZTT_GY_QLR:X:0"
    elsewhere = next(p for p in ("0" * tree.depth, "f" * tree.depth) if bucket_of(key, tree.depth) != p)
    wrong = dict(body, buckets={elsewhere: {key: "3" * 64}})  # an entry filed under another bucket
    response = peer.client.post(
        "/api/reconcile/v1/runs",
        data=json.dumps(wrong),
        content_type="application/json",
        headers=peer.headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "reconcile_report_invalid"
    assert ReconcileRun.objects.count() == 0


def test_an_unknown_node_cannot_report(sender):
    response = Client().post(
        "/api/reconcile/v1/runs",
        data=json.dumps({"root": "0" * 64, "count": 0, "depth": 1}),
        content_type="application/json",
        headers={"X-Bdcdj-Node": COUNTY, "Authorization": "Bearer nope"},
    )
    assert response.status_code == 403 and ReconcileRun.objects.count() == 0


def test_record_keys_name_table_and_business():
    assert split_key("QLT_FW_FDCQ_YZ|QLT_FW_FDCQ_YZ:2024-000001:0") == ("QLT_FW_FDCQ_YZ", "2024-000001")
    assert split_key("ZTT_GY_QLR|ZTT_GY_QLR:A:B:3") == ("ZTT_GY_QLR", "A:B")


def test_pages_drill_down_from_the_day_to_the_differing_records(sender, make_user):
    _deliver(sender, 4)
    row = MirrorRecord.objects.filter(region_code=COUNTY, table="QLT_FW_FDCQ_YZ").order_by("id").first()
    MirrorRecord.objects.filter(pk=row.pk).update(record_hash="4" * 64)
    run = ReconcileRun.objects.get(pk=_report(ClientPeer(sender.token))["run_id"])
    client = Client()
    client.force_login(make_user("monitor_admin"))
    day = timezone.localdate().isoformat()
    page = client.get(f"/monitor/nodes/{COUNTY}/{day}/").content.decode()
    assert "当日一致性核对" in page and f"/monitor/reconcile/{run.pk}/" in page
    detail = client.get(f"/monitor/reconcile/{run.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert f"{row.table}|{row.row_key}" in text and "内容不一致" in text and row.business_no in text
    outsider = Client()
    outsider.force_login(make_user("other_admin", regions=(OTHER_COUNTY,)))
    assert outsider.get(f"/monitor/reconcile/{run.pk}/").status_code == 404
