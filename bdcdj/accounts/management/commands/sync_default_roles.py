from typing import Any

from django.core.management.base import BaseCommand

from bdcdj.accounts.services import roles_sync_defaults


class Command(BaseCommand):
    help = "按 accounts.pages.DEFAULT_ROLES 创建或更新默认角色及其页面权限（页面目录变更后执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        roles = roles_sync_defaults()
        self.stdout.write(self.style.SUCCESS("已同步默认角色：" + "、".join(r.name for r in roles)))
