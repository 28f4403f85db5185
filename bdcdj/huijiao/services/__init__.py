"""Write paths of 汇交: export (lower node), import with QC (upper node), send."""

from bdcdj.huijiao.services.export import package_export, package_path
from bdcdj.huijiao.services.importing import ImportOutcome, incoming_path, package_import
from bdcdj.huijiao.services.qc import findings_xlsx, report_payload
from bdcdj.huijiao.services.send import SendReport, package_send, packages_send

__all__ = [
    "ImportOutcome",
    "SendReport",
    "findings_xlsx",
    "incoming_path",
    "package_export",
    "package_import",
    "package_path",
    "package_send",
    "packages_send",
    "report_payload",
]
