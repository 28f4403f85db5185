"""Import parcel shapes (宗地/宗海图形) from a GeoJSON FeatureCollection keyed by parcel code."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bdcdj.cadastre.services import parcel_geometries_import
from bdcdj.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "导入宗地/宗海图形：GeoJSON FeatureCollection，"
        "每个要素的 properties.code（或 ZDDM、要素 id）为宗地代码；"
        "坐标系默认按 GeoJSON 的 crs 成员，未给出时为 WGS84（EPSG:4326），可用 --epsg 指定"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="GeoJSON 文件（UTF-8）")
        parser.add_argument("--by", required=True, help="执行导入的用户名（需有“地籍图”修改权限）")
        parser.add_argument("--epsg", type=int, default=None, help="坐标系 EPSG 代码，如 4548")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            collection = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{path}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"不是有效的 UTF-8 GeoJSON：{exc}") from exc
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{options['by']}")
        try:
            report = parcel_geometries_import(user=user, collection=collection, epsg=options["epsg"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for key, message in report.errors.items():
            self.stderr.write(f"{key}：{message}")
        self.stdout.write(
            f"已导入 {report.stored} 宗图形，其中 {report.with_findings} 宗有质检问题（见质检统计）；"
            f"失败 {len(report.errors)} 个要素"
        )
        if report.errors and not report.stored:
            raise CommandError("没有导入任何图形")
