import io
import json
import zipfile

import pytest
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.exchange.models import OutboxMessage
from bdcdj.ferry.models import FerryImport
from bdcdj.ferry.services import ferry_export, ferry_import
from bdcdj.hub.models import ReceivedMessage
from bdcdj.hub.services import node_register
from bdcdj.hub.tests.factories import COUNTY, TEST_PRIVATE_KEY, message_xml, public_key_hex

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter(settings):
    """This node exports as county 340121 with the key the test messages are signed with; the
    importing side (same database here) trusts that key."""
    settings.BDCDJ_REGION_CODE = COUNTY
    settings.BDCDJ_NODE_SM2_KEY = TEST_PRIVATE_KEY
    node_register(region_code=COUNTY, name="长丰县（外网）", public_key_hex=public_key_hex())


def _queue(count: int, start: int = 1) -> None:
    now = timezone.now()
    for n in range(start, start + count):
        OutboxMessage.objects.create(
            region_code=COUNTY,
            biz_msg_id=f"34012124050600{n:04d}",
            rectype="1000402",
            unit_code=f"340121001001GB00001F0001{n:04d}",
            case_number=f"2024-{n:06d}",
            xml=message_xml(
                biz_msg_id=f"34012124050600{n:04d}",
                ywh=f"2024-{n:06d}",
                unit=f"340121001001GB00001F0001{n:04d}",
            ),
            next_attempt_at=now,
            ordered_at=now,
        )


def _rewrite(package: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    files = {name: source.read(name) for name in source.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_a_package_carries_every_message_once_and_only_new_ones_next_time(exporter):
    _queue(3)
    package, record = ferry_export()
    assert record.sequence == 1 and record.message_count == 3
    result = ferry_import(package=package)
    assert (result.accepted, result.rejected) == (3, 0)
    assert ReceivedMessage.objects.count() == 3
    assert ferry_export() is None
    _queue(2, start=4)
    second, record = ferry_export()
    assert record.sequence == 2 and record.message_count == 2
    assert ferry_import(package=second).accepted == 2
    assert ReceivedMessage.objects.count() == 5


def test_a_replayed_package_is_refused(exporter):
    _queue(2)
    package, _ = ferry_export()
    ferry_import(package=package)
    with pytest.raises(Conflict) as info:
        ferry_import(package=package)
    assert info.value.code == "ferry_replayed"
    assert FerryImport.objects.count() == 1


def test_an_older_package_after_a_newer_one_is_refused(exporter):
    _queue(1)
    first, _ = ferry_export()
    _queue(1, start=2)
    second, _ = ferry_export()
    ferry_import(package=second)
    with pytest.raises(Conflict) as info:
        ferry_import(package=first)
    assert info.value.code == "ferry_out_of_order"


def test_a_changed_message_file_is_refused_before_anything_is_received(exporter):
    _queue(2)
    package, _ = ferry_export()

    def tamper(files):
        name = next(n for n in files if n.startswith("messages/"))
        files[name] = files[name].replace(b"89.50", b"98.50")

    with pytest.raises(InvalidInput) as info:
        ferry_import(package=_rewrite(package, tamper))
    assert info.value.code == "ferry_tampered"
    assert ReceivedMessage.objects.count() == 0 and FerryImport.objects.count() == 0


def test_a_changed_manifest_breaks_its_signature(exporter):
    _queue(1)
    package, _ = ferry_export()

    def tamper(files):
        manifest = json.loads(files["manifest.json"])
        manifest["sequence"] = 99
        files["manifest.json"] = json.dumps(manifest).encode()

    with pytest.raises(InvalidInput) as info:
        ferry_import(package=_rewrite(package, tamper))
    assert info.value.code == "ferry_signature_invalid"


def test_unknown_sources_foreign_files_and_garbage_are_refused(exporter, settings):
    _queue(1)
    package, _ = ferry_export()
    with pytest.raises(InvalidInput):
        ferry_import(package=_rewrite(package, lambda files: files.update({"../../etc/passwd": b"x"})))
    with pytest.raises(InvalidInput):
        ferry_import(package=b"not a zip at all")
    settings.BDCDJ_REGION_CODE = "340122"
    _queue(1, start=2)
    foreign, _ = ferry_export()
    with pytest.raises(NotFound):
        ferry_import(package=foreign)


def test_commands_write_a_package_file_and_import_it(exporter, tmp_path):
    from django.core.management import CommandError, call_command

    _queue(2)
    out = io.StringIO()
    call_command("ferry_export", str(tmp_path), stdout=out)
    [package] = list(tmp_path.glob("ferry-000001-*.zip"))
    assert not list(tmp_path.glob("*.tmp"))
    call_command("ferry_import", str(package), stdout=out)
    assert "接收成功 2 条" in out.getvalue()
    with pytest.raises(CommandError, match="重放"):
        call_command("ferry_import", str(package), stdout=out)
